// Copyright (c) 2026, Gigafibre and contributors
// For license information, please see license.txt

// An auto-distribute proposal: its KPIs before/after, its progress while the optimizer runs (realtime event
// `dispatch:optimization`), and Apply all / Apply selected, which send the released jobs back to the tray and book
// the moves through the lifecycle commands.
const OPTIMIZER_API = "gigafibre_dispatch.api.optimizer";
const KPI_ROWS = [
	["placed", __("Jobs placed")],
	["travel_min", __("Travel (min)")],
	["travel_km", __("Travel (km)")],
	["overtime_min", __("Overtime (min)")],
	["lateness_h", __("Lateness (h)")],
	["late_jobs", __("Late jobs")],
];

frappe.ui.form.on("Dispatch Optimization", {
	onload(frm) {
		if (frm._optimization_listener) return;
		frm._optimization_listener = (data) => {
			if (!data || data.name !== frm.doc.name) return;
			if (["Queued", "Running"].includes(data.status)) {
				show_progress(frm, data.progress || 0, data.status);
			} else {
				frm.dashboard.hide_progress();
				frm.reload_doc();
			}
		};
		frappe.realtime.on("dispatch:optimization", frm._optimization_listener);
	},

	refresh(frm) {
		frm.disable_save();
		if (frm.is_new()) {
			frm.enable_save();
			frm.page.set_primary_action(__("Optimize"), () => frm.save());
			return;
		}
		render_kpis(frm);
		if (["Queued", "Running"].includes(frm.doc.status)) {
			show_progress(frm, frm.doc.progress || 0, frm.doc.status);
		} else {
			frm.dashboard.hide_progress();
		}
		if (frm.doc.status === "Failed" && frm.doc.error) {
			frm.dashboard.set_headline_alert(frappe.utils.escape_html(frm.doc.error), "red");
		}
		const open = (frm.doc.moves || []).filter((m) => m.apply_status !== "applied");
		const released = (frm.doc.released || []).filter((r) => r.apply_status !== "applied");
		if (["Ready", "Partly Applied"].includes(frm.doc.status) && (open.length || released.length)) {
			const question = released.length
				? __("Book {0} moves and send {1} booked jobs back to the tray through the lifecycle commands?", [
						open.length,
						released.length,
				  ])
				: __("Book {0} moves through the lifecycle commands?", [open.length]);
			frm.page.set_primary_action(__("Apply all"), () => frappe.confirm(question, () => apply(frm, null)));
			frm.add_custom_button(__("Apply selected"), () => pick_moves(frm, open, released));
		}
		if (["Ready", "Partly Applied", "Failed"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Dismiss"), () =>
				frappe.confirm(__("Set this proposal aside without applying it?"), () =>
					frappe.call({ method: `${OPTIMIZER_API}.dismiss`, args: { name: frm.doc.name } }).then(() => frm.reload_doc())
				)
			);
		}
		frm.add_custom_button(__("Open the board"), () => frappe.set_route("dispatch-board"));
	},
});

function show_progress(frm, progress, status) {
	frm.dashboard.show_progress(__("Optimizing"), progress, __(status));
}

function render_kpis(frm) {
	const wrapper = frm.get_field("kpis_html").$wrapper;
	const before = JSON.parse(frm.doc.kpis_before || "null");
	const after = JSON.parse(frm.doc.kpis_after || "null");
	if (!before || !after) {
		wrapper.html(`<p class="text-muted">${__("No KPIs yet")}</p>`);
		return;
	}
	const esc = frappe.utils.escape_html;
	const row = (label, b, a) =>
		`<tr><td>${esc(label)}</td><td class="text-right">${esc(String(b))}</td>` +
		`<td class="text-right"><b>${esc(String(a))}</b></td></tr>`;
	const rows = KPI_ROWS.map(([key, label]) => row(label, before[key], after[key]));
	const techs = Object.keys({ ...before.utilisation, ...after.utilisation }).sort();
	for (const tech of techs) {
		const pct = (v) => `${Math.round((v || 0) * 100)} %`;
		rows.push(row(__("Utilisation {0}", [tech]), pct(before.utilisation[tech]), pct(after.utilisation[tech])));
	}
	wrapper.html(`
		<table class="table table-bordered table-condensed" data-role="optimization-kpis">
			<thead><tr><th>${__("KPI")}</th><th class="text-right">${__("Before")}</th>
			<th class="text-right">${__("After")}</th></tr></thead>
			<tbody>${rows.join("")}</tbody>
		</table>
		<p class="text-muted small">${esc(frm.doc.solver || "")} · ${esc(String(frm.doc.seconds || 0))} s</p>`);
}

function pick_moves(frm, open, released) {
	const dialog = new frappe.ui.Dialog({
		title: __("Apply selected moves"),
		fields: [
			{
				fieldname: "jobs",
				fieldtype: "MultiCheck",
				label: __("Moves"),
				columns: 1,
				options: [
					...released.map((r) => ({
						label: `${r.job} → ${__("tray")} (${r.message || r.reason})`,
						value: r.job,
						checked: 0,
					})),
					...open.map((m) => ({
						label: `${m.job} → ${m.to_technician} ${frappe.datetime.str_to_user(m.to_start)}`,
						value: m.job,
						checked: 0,
					})),
				],
			},
		],
		primary_action_label: __("Apply"),
		primary_action({ jobs }) {
			if (!jobs || !jobs.length) {
				frappe.show_alert({ message: __("Choose at least one move"), indicator: "orange" });
				return;
			}
			dialog.hide();
			apply(frm, jobs);
		},
	});
	dialog.show();
}

function apply(frm, jobs) {
	return frappe
		.call({
			method: `${OPTIMIZER_API}.apply`,
			args: { name: frm.doc.name, moves: jobs ? JSON.stringify(jobs) : null },
			freeze: true,
			freeze_message: __("Booking the moves..."),
		})
		.then((r) => {
			const res = r.message || {};
			frappe.show_alert(
				{
					message: __("{0} applied, {1} skipped", [res.applied || 0, res.skipped || 0]),
					indicator: res.skipped ? "orange" : "green",
				},
				8
			);
			frm.reload_doc();
		});
}
