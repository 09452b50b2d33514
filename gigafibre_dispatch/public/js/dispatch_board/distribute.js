// The tray's batch actions: assign the selected jobs to a technician, or auto-distribute them (the optimizer's
// proposal drawn as ghosts, applied through the commands; the ranking's best slot without the optimizer).
import { api } from "./api";
import { to_min } from "./time";

// ---------------------------------------------------------------- tray batch actions
export function batch_assign(store) {
	const jobs = [...store.tray_selection];
	const d = new frappe.ui.Dialog({
		title: __("Assign {0} jobs", [jobs.length]),
		fields: [
			{ fieldname: "technician", fieldtype: "Link", options: "Dispatch Technician", label: __("Technician"), reqd: 1 },
			{ fieldname: "start", fieldtype: "Datetime", label: __("From"), reqd: 1, default: `${store.date} 08:00:00` },
		],
		primary_action_label: __("Assign"),
		primary_action({ technician, start }) {
			d.hide();
			store.batch_assign(jobs, technician, to_min(start));
		},
	});
	d.show();
}

export async function auto_distribute(store) {
	// The optimizer's proposal for the selected jobs over the day (moves, unplaced jobs with their reasons, KPIs),
	// applied move by move through the commands; the ranking's best slot when the optimizer is not installed.
	const jobs = [...store.tray_selection];
	const OPT = "gigafibre_dispatch.api.optimizer";
	let proposal = null;
	try {
		let st = await api.call(`${OPT}.start`, { date_from: store.date, date_to: store.date, jobs: JSON.stringify(jobs) });
		for (let i = 0; i < 120 && ["Queued", "Running"].includes(st.status); i++) {
			await new Promise((r) => setTimeout(r, 500));
			st = await api.call(`${OPT}.status`, { name: st.name });
		}
		if (st.status !== "Ready") throw new Error(st.error || st.status);
		proposal = await api.call(`${OPT}.get_proposal`, { name: st.name });
	} catch (e) {
		if (!/not found|No module|has no attribute|404/i.test(e.message)) {
			frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
			return;
		}
		return auto_distribute_by_ranking(store, jobs);
	}
	const esc = frappe.utils.escape_html;
	const names = Object.fromEntries(store.resources.map((r) => [r.id, r.name]));
	const titles = Object.fromEntries(store.data.unassigned.map((j) => [j.job, j.title]));
	// The moves drawn on the timeline as ghosts while the proposal is open; nothing is booked until Apply.
	const drawn = [];
	for (const m of proposal.moves) {
		const row = store.data.resources.find((r) => r.id === m.to_technician);
		if (!row || !m.end) continue;
		const seg = { type: "proposal", job: m.job, start: m.to_start, end: m.end, title: titles[m.job] || m.job };
		row.segments.push(seg);
		drawn.push([row, seg]);
	}
	const undraw = () => {
		for (const [row, seg] of drawn.splice(0)) {
			const i = row.segments.indexOf(seg);
			if (i >= 0) row.segments.splice(i, 1);
		}
	};
	const d = new frappe.ui.Dialog({
		title: __("Auto-distribute: {0} moves, {1} not placed", [proposal.moves.length, proposal.unplaced.length]),
		size: "large",
		fields: [{ fieldname: "summary", fieldtype: "HTML" }],
		primary_action_label: __("Apply"),
		async primary_action() {
			d.hide();
			undraw();
			try {
				const r = await api.call(`${OPT}.apply`, { name: proposal.name });
				frappe.show_alert({ message: __("Proposal {0}: {1}", [proposal.name, __(r.status || "Applied")]), indicator: "green" });
			} catch (e) {
				frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
			}
			store.tray_selection = [];
			store.load();
		},
	});
	d.onhide = undraw;
	const kpi = (k) => (proposal.kpis_before && proposal.kpis_after ? [proposal.kpis_before[k], proposal.kpis_after[k]] : ["", ""]);
	const kpis = [
		[__("Jobs placed"), "placed"],
		[__("Travel (min)"), "travel_min"],
		[__("Travel (km)"), "travel_km"],
		[__("Overtime (min)"), "overtime_min"],
	]
		.map(([label, key]) => `<tr><td>${esc(label)}</td><td>${esc(String(kpi(key)[0] ?? ""))}</td><td>${esc(String(kpi(key)[1] ?? ""))}</td></tr>`)
		.join("");
	d.fields_dict.summary.$wrapper.html(`
		<table class="table table-sm small" data-role="kpis"><thead><tr><th></th><th>${esc(__("Before"))}</th><th>${esc(__("After"))}</th></tr></thead><tbody>${kpis}</tbody></table>
		<table class="table table-sm small" data-role="moves"><tbody>${proposal.moves
			.map((m) => `<tr><td>${esc(m.job)}</td><td>${esc(names[m.to_technician] || m.to_technician)}</td><td>${esc(m.to_start.replace("T", " ").slice(0, 16))}</td><td>${m.travel_min ?? ""} min</td></tr>`)
			.join("")}</tbody></table>
		${(proposal.released || []).map((r) => `<div class="small text-danger" data-role="released">${esc(r.job)} → ${esc(__("tray"))}: ${esc(r.message || r.reason)}</div>`).join("")}
		${proposal.unplaced.map((u) => `<div class="small text-warning">${esc(u.job)}: ${esc(u.message || u.reason)}</div>`).join("")}
		<div class="small text-muted">${esc(proposal.solver || "")} · ${proposal.seconds ?? ""} s</div>`);
	d.show();
}

export async function auto_distribute_by_ranking(store, jobs) {
	let placed = 0;
	for (const job of jobs) {
		const slots = await api.call("gigafibre_dispatch.api.scheduling.suggest_slots", { job, start_date: store.date, limit: 1 }).catch(() => []);
		if (!slots || !slots.length) continue;
		try {
			await store.drop(job, slots[0].technician, to_min(slots[0].start), { expected: { type: "tray" } });
			placed++;
		} catch (e) {
			// shown by the store
		}
	}
	store.tray_selection = [];
	frappe.show_alert({ message: __("{0} of {1} jobs placed", [placed, jobs.length]), indicator: placed ? "green" : "orange" });
}
