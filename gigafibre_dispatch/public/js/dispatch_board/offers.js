// Offers from the board: broadcast to every matching technician, targeted to one, or to a pool; pricing presets.
// The offer itself (and the booking when a technician accepts) is api/offers.py and the lifecycle's.
import { api } from "./api";

export function create_offer(store, job) {
	const known = store.job_index[job] || {};
	const d = new frappe.ui.Dialog({
		title: __("Offer {0}", [job]),
		fields: [
			{
				fieldname: "mode",
				fieldtype: "Select",
				label: __("Mode"),
				options: [
					{ value: "broadcast", label: __("Broadcast (every matching technician)") },
					{ value: "targeted", label: __("Targeted (one technician)") },
					{ value: "pool", label: __("Pool (these technicians)") },
				],
				default: "broadcast",
			},
			{
				fieldname: "candidates",
				fieldtype: "MultiSelectList",
				label: __("Technicians"),
				depends_on: "eval:doc.mode !== 'broadcast'",
				get_data: (txt) => frappe.db.get_link_options("Dispatch Technician", txt),
			},
			{ fieldname: "col", fieldtype: "Column Break" },
			{
				fieldname: "pricing_preset",
				fieldtype: "Select",
				label: __("Pricing"),
				options: [
					{ value: "standard", label: __("Standard") },
					{ value: "urgent", label: __("Urgent") },
					{ value: "weekend", label: __("Weekend") },
					{ value: "custom", label: __("Custom") },
				],
				default: "standard",
			},
			{ fieldname: "displacement", fieldtype: "Currency", label: __("Displacement"), depends_on: "eval:doc.pricing_preset === 'custom'" },
			{ fieldname: "hourly_rate", fieldtype: "Currency", label: __("Hourly rate"), depends_on: "eval:doc.pricing_preset === 'custom'" },
			{
				fieldname: "start",
				fieldtype: "Datetime",
				label: __("Start"),
				description: __("When the offer books the job"),
				reqd: 1,
				default: known.start ? known.start.replace("T", " ") : `${store.date} 08:00:00`,
			},
			{ fieldname: "expires_at", fieldtype: "Datetime", label: __("Expires at") },
		],
		primary_action_label: __("Offer"),
		async primary_action(values) {
			try {
				const r = await api.call("gigafibre_dispatch.api.offers.create_offer", {
					job,
					mode: values.mode,
					candidates: JSON.stringify(values.candidates || []),
					pricing_preset: values.pricing_preset,
					displacement: values.displacement || undefined,
					hourly_rate: values.hourly_rate || undefined,
					expires_at: values.expires_at || undefined,
					start: values.start,
				});
				d.hide();
				store.offers[job] = { offer: r.offer, status: r.status };
				frappe.show_alert({ message: __("Offer {0}: {1}", [r.offer, __(r.status)]), indicator: "green" });
			} catch (e) {
				frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
			}
		},
	});
	d.show();
	return d;
}
