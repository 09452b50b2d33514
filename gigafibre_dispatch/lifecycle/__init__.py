"""The Frappe side of the job lifecycle: who is calling, the command executor, and its observability."""
