"""The Frappe side of scheduling: documents in, engine calls, plain results out.

`data` loads documents in bulk as engine data; `args` parses and checks what a caller sends; `suggest` ranks
technicians and finds slots; `board` gathers a timeline; `drop` feeds the drop rules; `recurrence` turns a ghost
into a job. Used by the API faces and by the lifecycle executor; imports only the engine, `utils` and Frappe.
"""
