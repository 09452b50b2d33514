// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

frappe.ui.form.on("Dispatch SMS Log", {
	refresh(frm) {
		if (frm.doc.status === "failed") {
			frm.add_custom_button(__("Send Again"), () =>
				frappe
					.call({ method: "gigafibre_dispatch.api.publish.resend_sms", type: "POST", args: { log: frm.doc.name } })
					.then(() => frm.reload_doc())
			);
		}
	},
});

frappe.realtime.on("dispatch:sms_status", (data) => {
	if (cur_frm && cur_frm.doctype === "Dispatch SMS Log" && cur_frm.doc.name === data.log) cur_frm.reload_doc();
});
