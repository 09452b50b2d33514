"""Frappe's command router loads a job to check permission and call the command; for a machine client that load
is the row alone (DispatchJob.load_from_db). The commands still see and keep every child row, and a partial job
can never be saved."""

import frappe

from gigafibre_dispatch.tests.lifecycle_utils import LifecycleHttpCase
from gigafibre_dispatch.tests.utils import make_tag


class TestCommandRouterLoad(LifecycleHttpCase):
	@classmethod
	def tearDownClass(cls):
		super().tearDownClass()  # the jobs first: their tag rows name the tag
		frappe.delete_doc("Dispatch Tag", f"ZZ Router {cls.run_id}", force=True, ignore_permissions=True)
		frappe.db.commit()

	def row(self, job: str):
		return frappe.db.sql("select * from `tabDispatch Job` where name = %s", (job,), as_dict=True)[0]

	def children(self, job: str) -> dict:
		frappe.db.rollback()
		return {
			doctype: frappe.db.count(doctype, {"parent": job, "parenttype": "Dispatch Job"})
			for doctype in ("Dispatch Job Tag", "Dispatch Job Assistant", "Dispatch Job Checklist Item")
		}

	def test_machine_commands_keep_every_child_row_and_see_the_assistants(self):
		job = self.new_job()
		tag = make_tag(f"ZZ Router {self.run_id}")
		self.add_child(job, "Dispatch Job Tag", "tags", tag=tag, level=1, required=0)
		self.add_child(job, "Dispatch Job Assistant", "assistants", tech_id=self.other_tech, duration_h=1)
		self.add_child(job, "Dispatch Job Checklist Item", "checklist", item="Photo de l'installation")
		before = self.children(job)
		dispatcher = self.token("dispatcher")
		# triage, propose (a full save of the job), confirm: all by bearer tokens
		self.advance(job, "Scheduled")
		self.assertEqual(self.children(job), before)
		# The command itself reads the assistants (not the router's partial job): a wrong one is refused.
		self.assert_policy(
			self.command(job, "assistant_remove", {"tech_id": self.tech}, token=dispatcher),
			400,
			"validation",
			"not_an_assistant",
		)
		removed = self.command(job, "assistant_remove", {"tech_id": self.other_tech}, token=dispatcher)
		self.assertEqual(removed.status_code, 200, removed.text)
		after = self.children(job)
		self.assertEqual(after["Dispatch Job Assistant"], before["Dispatch Job Assistant"] - 1)
		self.assertEqual(after["Dispatch Job Checklist Item"], before["Dispatch Job Checklist Item"])

	def test_the_partial_load_is_one_load_of_that_job_and_is_never_saved(self):
		job = self.new_job()
		self.add_child(job, "Dispatch Job Checklist Item", "checklist", item="Vérifier le signal")
		frappe.local.flags.dispatch_router_row = self.row(job)
		try:
			partial = frappe.get_doc("Dispatch Job", job)
			self.assertEqual(partial.checklist, [])
			self.assertEqual(partial.subject, frappe.db.get_value("Dispatch Job", job, "subject"))
			self.assertTrue(partial.flags.children_not_loaded)
			self.assertIsNone(frappe.local.flags.dispatch_router_row)  # spent
			with self.assertRaises(frappe.ValidationError):
				partial.save(ignore_permissions=True)
			whole = frappe.get_doc("Dispatch Job", job)
			self.assertEqual([c.item for c in whole.checklist], ["Vérifier le signal"])
		finally:
			frappe.local.flags.dispatch_router_row = None
			frappe.db.rollback()
		self.assertEqual(self.children(job)["Dispatch Job Checklist Item"], 1)

	def test_another_jobs_load_is_whole(self):
		job, other = self.new_job(), self.new_job()
		frappe.local.flags.dispatch_router_row = self.row(other)
		try:
			doc = frappe.get_doc("Dispatch Job", job)
			self.assertFalse(doc.flags.children_not_loaded)
			self.assertEqual(frappe.local.flags.dispatch_router_row.name, other)
		finally:
			frappe.local.flags.dispatch_router_row = None
