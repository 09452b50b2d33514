// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

const SMS_STATUS = {
	queued: [__("Queued"), "gray"],
	sending: [__("Sending"), "blue"],
	sent: [__("Sent"), "green"],
	retrying: [__("Retrying"), "yellow"],
	failed: [__("Failed"), "red"],
	needs_attention: [__("Needs Attention"), "orange"],
};

frappe.listview_settings["Dispatch SMS Log"] = {
	add_fields: ["status"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		const [label, color] = SMS_STATUS[doc.status] || [doc.status, "gray"];
		return [label, color, `status,=,${doc.status}`];
	},
};
