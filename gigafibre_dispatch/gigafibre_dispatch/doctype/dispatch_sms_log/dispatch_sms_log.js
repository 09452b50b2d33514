// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

frappe.ui.form.on("Dispatch SMS Log", {
	refresh(frm) {
		const attention = frm.doc.status === "needs_attention";
		if (attention) {
			frm.set_intro(
				__(
					"The send stopped while Twilio was being called: the message may already have been delivered. Check Twilio's message log before sending it again."
				),
				"orange"
			);
		}
		if (frm.doc.status === "failed" || attention) {
			frm.add_custom_button(__("Send Again"), () => {
				const send = () =>
					frappe
						.call({ method: "gigafibre_dispatch.api.publish.resend_sms", type: "POST", args: { log: frm.doc.name } })
						.then(() => frm.reload_doc());
				if (attention) {
					frappe.confirm(__("Twilio's log shows this message was not sent? It will be sent again."), send);
				} else {
					send();
				}
			});
		}
	},
});

frappe.realtime.on("dispatch:sms_status", (data) => {
	if (cur_frm && cur_frm.doctype === "Dispatch SMS Log" && cur_frm.doc.name === data.log) cur_frm.reload_doc();
});
