"""The chat widget: one `<script>` tag on a company's web page talks to a robot through a widget key.

A widget key (keys.py) is public (it sits in the page) and grants only what the widget needs: welcome, ask,
rate, and read the history of the visitor that holds a visitor token (visitors.py) signed by this server.
The widget's API (routes.py) is an adapter around the one conversation service, like the other channels.
"""
