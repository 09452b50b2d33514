// Publishing schedules (a technician, the selected row or everyone on the board) and revoking a technician's magic
// links, each saying what happened as it is.
import { api } from "./api";

export const PUBLISH = "gigafibre_dispatch.api.publish";

export function publish(store, techs) {
	const selected = store.selected_row ? [store.selected_row] : [];
	const d = new frappe.ui.Dialog({
		title: __("Publish schedules"),
		fields: [
			{
				fieldname: "who",
				fieldtype: "Select",
				label: __("Technicians"),
				options: [
					techs ? { value: "given", label: __("{0}", [techs.join(", ")]) } : null,
					selected.length ? { value: "selected", label: __("Selected row ({0})", [selected[0]]) } : null,
					{ value: "all", label: __("Everyone on the board ({0})", [store.resources.length]) },
				].filter(Boolean),
				default: techs ? "given" : selected.length ? "selected" : "all",
			},
			{ fieldname: "date_from", fieldtype: "Date", label: __("From"), reqd: 1, default: store.period[0] },
			{ fieldname: "date_to", fieldtype: "Date", label: __("To"), reqd: 1, default: store.period[1] },
		],
		primary_action_label: __("Publish"),
		async primary_action({ who, date_from, date_to }) {
			d.hide();
			const humans = store.resources.filter((r) => r.resource_type !== "material").map((r) => r.id);
			const list = who === "given" ? techs : who === "selected" ? selected : humans;
			// What happened, said as it is: dispatched jobs, and who was not texted and why.
			let done = 0;
			let dispatched = 0;
			const problems = [];
			for (const technician of list) {
				try {
					const out = await api.call(`${PUBLISH}.publish_schedule`, { technician, date_from, date_to });
					if (!out.published.length) continue;
					done++;
					dispatched += out.dispatched.length;
					if (out.warning) problems.push(`${technician}: ${out.warning}`);
					for (const n of out.not_dispatched) problems.push(`${n.job}: ${n.reason}`);
				} catch (e) {
					problems.push(`${technician}: ${e.message}`);
				}
			}
			const summary = __("{0} schedules published, {1} jobs dispatched to the technicians", [done, dispatched]);
			if (problems.length) {
				const esc = frappe.utils.escape_html;
				frappe.msgprint({
					title: __("Published with problems"),
					indicator: "orange",
					message: `<p>${esc(summary)}</p><ul>${problems.map((p) => `<li>${esc(p)}</li>`).join("")}</ul>`,
				});
			} else {
				frappe.show_alert({ message: summary, indicator: "green" });
			}
			store.load();
		},
	});
	d.show();
}


// Every magic link sent to this technician stops working (a leaked one); the next publication sends links that work.
export function revoke_links(technician) {
	frappe.confirm(__("Revoke every magic link sent to {0}? Their /t page stops opening until a new link is sent.", [technician]), async () => {
		try {
			await api.call(`${PUBLISH}.revoke_links`, { technician });
			frappe.show_alert({ message: __("Magic links of {0} revoked", [technician]), indicator: "green" });
		} catch (e) {
			frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
		}
	});
}

// ---------------------------------------------------------------- publish: one technician, the selection, or everyone
