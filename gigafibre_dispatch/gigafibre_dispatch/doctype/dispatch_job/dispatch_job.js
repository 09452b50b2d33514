// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

const SCHEDULING = "gigafibre_dispatch.api.scheduling";

frappe.ui.form.on("Dispatch Job", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.is_recurring) return;
		frm.add_custom_button(__("Best Technicians"), () => show_ranking(frm), __("Dispatch"));
		frm.add_custom_button(__("Suggest Slots"), () => show_slots(frm), __("Dispatch"));
	},
	service_location(frm) {
		if (!frm.doc.service_location) return;
		frappe.db
			.get_value("Service Location", frm.doc.service_location, ["customer", "latitude", "longitude"])
			.then(({ message }) => {
				if (message && message.customer && !frm.doc.customer) frm.set_value("customer", message.customer);
			});
	},
});

function show_ranking(frm) {
	frappe.call({ method: `${SCHEDULING}.best_technicians`, args: { job: frm.doc.name, limit: 10 } }).then(({ message }) => {
		const rows = (message || [])
			.map((r, i) => {
				const b = r.breakdown;
				const warn = r.warnings
					.map((w) => frappe.utils.escape_html(w.tag ? __("Below level {0} in {1}", [w.required, w.tag]) : w.code))
					.join(", ");
				return `<tr><td>${i + 1}</td><td>${frappe.utils.escape_html(r.technician_name)}</td>
					<td class="text-right">${r.score.toFixed(1)}</td>
					<td class="text-right">${b.distance_km ?? "–"}</td><td class="text-right">${b.proximity}</td>
					<td class="text-right">${b.load}</td><td class="text-right">${b.overload}</td>
					<td class="text-right">${b.gps}</td><td class="text-right">${b.skill}</td><td>${warn}</td></tr>`;
			})
			.join("");
		const d = new frappe.ui.Dialog({
			title: __("Best Technicians"),
			size: "extra-large",
			fields: [{ fieldname: "ranking", fieldtype: "HTML" }],
		});
		d.fields_dict.ranking.$wrapper.html(
			`<div class="table-responsive"><table class="table table-sm"><thead><tr><th>#</th><th>${__("Technician")}</th>
				<th class="text-right">${__("Score")}</th><th class="text-right">km</th><th class="text-right">${__("Proximity")}</th>
				<th class="text-right">${__("Load")}</th><th class="text-right">${__("Overload")}</th><th class="text-right">GPS</th>
				<th class="text-right">${__("Skill")}</th><th>${__("Warnings")}</th></tr></thead><tbody>${rows}</tbody></table></div>`
		);
		d.show();
	});
}

function show_slots(frm) {
	frappe.call({ method: `${SCHEDULING}.suggest_slots`, args: { job: frm.doc.name } }).then(({ message }) => {
		const slots = message || [];
		if (!slots.length) {
			frappe.msgprint(__("No free slot in the horizon"));
			return;
		}
		const d = new frappe.ui.Dialog({
			title: __("Suggest Slots"),
			fields: [
				{
					fieldname: "slot",
					fieldtype: "Select",
					label: __("Slot"),
					default: "0",
					options: slots.map((s, i) => ({
						value: String(i),
						label: `${frappe.datetime.str_to_user(s.start.replace("T", " "))} – ${s.technician_name}`,
					})),
				},
			],
			primary_action_label: __("Book"),
			primary_action({ slot }) {
				const s = slots[Number(slot)];
				frm.set_value({ assigned_technician: s.technician, scheduled_start: s.start }).then(() => frm.save());
				d.hide();
			},
		});
		d.show();
	});
}
