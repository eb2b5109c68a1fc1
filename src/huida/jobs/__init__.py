"""Background jobs: a transactional outbox (the one job mechanism of Huida) and its workers.

- `enqueue(session, job_type, payload, run_at=, key=, lane=, group=)` in the transaction of the state change;
- `@handler(job_type, retry=RetryPolicy(...), on_failure=...)` to define a job type (list the module in
  the `huida.jobs` entry points in pyproject.toml);
- `Worker(ctx).start()` in a process (handlers get `ctx` as `job.app`), or `huida worker` standalone;
- `install_worker(ctx)` wires the in-process worker of `huida serve` into the app lifespan.
"""

from huida.jobs.outbox import Group, enqueue, set_group_limit, wake_lane
from huida.jobs.registry import JobContext, PermanentError, RetryableError, RetryPolicy, handler
from huida.jobs.runtime import install_worker

__all__ = [
    "Group", "JobContext", "PermanentError", "RetryPolicy", "RetryableError", "enqueue", "handler", "install_worker",
    "set_group_limit", "wake_lane",
]
