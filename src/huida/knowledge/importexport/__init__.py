"""Import and export of a robot's rules as JSONL, CSV or XLSX.

One module per format turns bytes into rule dicts (`SourceRow`, with the line a human sees) and
canonical records back into bytes; `service.py` validates a whole file before writing anything and
writes it in one transaction; `routes.py` and the `huida import|export` commands share that service.
"""
