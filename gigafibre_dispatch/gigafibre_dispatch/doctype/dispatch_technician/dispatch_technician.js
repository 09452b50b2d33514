// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

const PUBLISH = "gigafibre_dispatch.api.publish";

frappe.ui.form.on("Dispatch Technician", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.resource_type !== "human" || !frm.doc.active) return;
		frm.add_custom_button(__("Publish & Text Schedule"), () => publish_dialog(frm), __("Publish"));
		frm.add_custom_button(__("Copy Magic Link"), () => copy(PUBLISH + ".magic_link", frm), __("Publish"));
		frm.add_custom_button(__("Copy Calendar URL"), () => copy(PUBLISH + ".ical_url", frm), __("Publish"));
		frm.add_custom_button(__("Revoke Magic Links"), () => revoke_links(frm.doc.name, () => frm.reload_doc()), __("Publish"));
	},
});

// Every link sent to this technician stops working (a leaked one); the next publication sends links that work.
function revoke_links(technician, done) {
	frappe.confirm(__("Revoke every magic link sent to {0}? Their /t page stops opening until a new link is sent.", [technician]), () =>
		frappe.call({ method: PUBLISH + ".revoke_links", type: "POST", args: { technician } }).then(() => {
			frappe.show_alert({ message: __("Magic links of {0} revoked", [technician]), indicator: "green" });
			done && done();
		})
	);
}

function copy(method, frm) {
	frappe.call({ method, args: { technician: frm.doc.name } }).then(({ message }) => frappe.utils.copy_to_clipboard(message));
}

function publish_dialog(frm) {
	const today = frappe.datetime.get_today();
	const d = new frappe.ui.Dialog({
		title: __("Publish & Text Schedule"),
		fields: [
			{
				fieldname: "date_from",
				fieldtype: "Date",
				label: __("From Date"),
				default: today,
				reqd: 1,
				// A later start keeps the week: the end follows when it would fall before the start.
				onchange() {
					const from = d.get_value("date_from");
					const to = d.get_value("date_to");
					if (from && (!to || to < from)) d.set_value("date_to", frappe.datetime.add_days(from, 6));
				},
			},
			{ fieldname: "date_to", fieldtype: "Date", label: __("To Date"), default: frappe.datetime.add_days(today, 6), reqd: 1 },
		],
		primary_action_label: __("Publish"),
		primary_action(values) {
			frappe
				.call({ method: PUBLISH + ".publish_schedule", type: "POST", args: { technician: frm.doc.name, ...values } })
				.then(({ message }) => {
					d.hide();
					const sent = message.sms.filter((s) => s.queued).length;
					const lines = [
						__("{0} job(s) published, {1} dispatched to the technician.", [
							message.published.length,
							message.dispatched.length,
						]),
					];
					if (message.warning) lines.push(message.warning);
					else lines.push(__("{0} SMS queued ({1} already sent for this schedule).", [sent, message.sms.length - sent]));
					for (const n of message.not_dispatched) lines.push(`${n.job}: ${n.reason}`);
					frappe.msgprint({
						message: lines.map((l) => frappe.utils.escape_html(l)).join("<br>"),
						indicator: message.warning || message.not_dispatched.length ? "orange" : "green",
					});
				});
		},
	});
	d.show();
}
