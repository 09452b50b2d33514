// Planning mode: a technician's weekly schedule, extra shifts (added time, breaks, on call) and absence band, saved
// by api/board.save_planning and split_shift
// (the technician record validates each change; a refusal changes nothing and is shown as it comes).
import { api } from "./api";

// Dispatch Extra Shift's kinds: Shift adds time that day, Off takes it out (a split), On call is drawn, not booked.
const KINDS = ["Shift", "Off", "On call"];
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY_LABELS = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

export async function save_planning(store, technician, changes) {
	try {
		const r = await api.post("save_planning", { technician, ...changes });
		frappe.show_alert({ message: __("Planning of {0} saved", [technician]), indicator: "green" });
		return r;
	} catch (e) {
		frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
		throw e;
	} finally {
		store.load();
	}
}

export async function open_planning(store, technician) {
	const p = await api.get("get_planning", { technician });
	let week = {};
	try {
		week = p.weekly_schedule ? JSON.parse(p.weekly_schedule) : {};
	} catch (e) {
		week = {};
	}
	const fields = [
		{ fieldname: "default_week", fieldtype: "Check", label: __("Default week (Dispatch Settings)"), default: p.weekly_schedule ? 0 : 1 },
		{ fieldname: "sec_week", fieldtype: "Section Break", label: __("Weekly schedule"), depends_on: "eval:!doc.default_week" },
		...DAYS.flatMap((d, i) => [
			{
				fieldname: `day_${d}`,
				fieldtype: "Data",
				label: __(DAY_LABELS[d]),
				description: i === 0 ? __("Ranges such as 08:00-12:00, 13:00-17:00; blank: day off") : "",
				default: (week[d] || []).join(", "),
			},
			...(i === 3 ? [{ fieldname: "col_week", fieldtype: "Column Break" }] : []),
		]),
		{ fieldname: "sec_extra", fieldtype: "Section Break", label: __("Extra shifts") },
		{
			fieldname: "extra_shifts",
			fieldtype: "Table",
			cannot_add_rows: false,
			in_place_edit: true,
			data: p.extra_shifts,
			fields: [
				{ fieldname: "shift_date", fieldtype: "Date", label: __("Date"), in_list_view: 1, reqd: 1 },
				{ fieldname: "start_time", fieldtype: "Time", label: __("Start"), in_list_view: 1, reqd: 1 },
				{ fieldname: "end_time", fieldtype: "Time", label: __("End"), in_list_view: 1, reqd: 1 },
				{ fieldname: "kind", fieldtype: "Select", label: __("Kind"), options: KINDS, default: "Shift", in_list_view: 1 },
			],
		},
		{ fieldname: "sec_absence", fieldtype: "Section Break", label: __("Absence") },
		{ fieldname: "absence_reason", fieldtype: "Select", label: __("Reason"), options: ["", "Malade", "Vacances", "Formation", "Rendez-vous", "Congé", "Absent"], default: p.absence_reason },
		{ fieldname: "absence_from", fieldtype: "Date", label: __("From"), default: p.absence_from },
		{ fieldname: "absence_until", fieldtype: "Date", label: __("Until"), default: p.absence_until },
		{ fieldname: "col_abs", fieldtype: "Column Break" },
		{ fieldname: "absence_start_time", fieldtype: "Data", label: __("From time (HH:MM)"), default: p.absence_start_time },
		{ fieldname: "absence_end_time", fieldtype: "Data", label: __("Until time (HH:MM)"), default: p.absence_end_time },
	];
	const d = new frappe.ui.Dialog({
		title: __("Planning: {0}", [p.technician_name || technician]),
		size: "large",
		fields,
		primary_action_label: __("Save"),
		async primary_action(v) {
			const weekly = {};
			for (const day of DAYS) {
				weekly[day] = (v[`day_${day}`] || "")
					.split(",")
					.map((x) => x.trim())
					.filter(Boolean);
			}
			try {
				await save_planning(store, technician, {
					weekly_schedule: v.default_week ? "" : JSON.stringify(weekly),
					extra_shifts: JSON.stringify(
						(v.extra_shifts || []).map((r) => ({
							shift_date: r.shift_date,
							start_time: r.start_time,
							end_time: r.end_time,
							kind: r.kind || "Shift",
							note: r.note,
						}))
					),
					absence: JSON.stringify({
						absence_name: p.absence_name,
						absence_reason: v.absence_reason,
						absence_from: v.absence_from,
						absence_until: v.absence_until,
						absence_start_time: v.absence_start_time,
						absence_end_time: v.absence_end_time,
					}),
				});
				d.hide();
			} catch (e) {
				// shown; the dialog stays open with what was typed
			}
		},
	});
	d.show();
	return d;
}

// An absence band's edge dragged on the day view: that day's band now starts (left) or ends (right) at `hhmm`.
export async function resize_absence(store, technician, day, edge, hhmm) {
	const p = await api.get("get_planning", { technician });
	const absence = {
		absence_name: p.absence_name,
		absence_reason: p.absence_reason,
		absence_from: p.absence_from,
		absence_until: p.absence_until,
		absence_start_time: p.absence_start_time,
		absence_end_time: p.absence_end_time,
	};
	if (edge === "end") Object.assign(absence, { absence_until: day, absence_end_time: hhmm });
	else Object.assign(absence, { absence_from: day, absence_start_time: hhmm });
	return save_planning(store, technician, { absence: JSON.stringify(absence) });
}

// Split a technician's shift on `day` by a break from `from_hhmm`, its end asked for (default `until_hhmm`).
export function split_prompt(store, r, day, from_hhmm, until_hhmm) {
	const d = new frappe.ui.Dialog({
		title: __("Split the shift of {0}", [r.name || r.id]),
		fields: [
			{ fieldname: "day", fieldtype: "Date", label: __("Date"), default: day, read_only: 1 },
			{ fieldname: "start_time", fieldtype: "Data", label: __("Break from (HH:MM)"), default: from_hhmm, reqd: 1 },
			{ fieldname: "end_time", fieldtype: "Data", label: __("Back at (HH:MM)"), default: until_hhmm, reqd: 1 },
		],
		primary_action_label: __("Split"),
		async primary_action(v) {
			try {
				await api.post("split_shift", { technician: r.id, day, start_time: v.start_time, end_time: v.end_time });
				frappe.show_alert({ message: __("Shift of {0} split", [r.name || r.id]), indicator: "green" });
				d.hide();
			} catch (e) {
				frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
			} finally {
				store.load();
			}
		},
	});
	d.$wrapper.attr("data-role", "split-dialog");
	d.show();
	return d;
}

// A technician's name pressed in planning mode: a drag (past 6 px) calls `move` with each pointer event and `drop`
// with the last one; a plain click (`click_name`) selects the row and opens the planning dialog.
let name_dragged = false;
export function press_name(event, { move, drop }) {
	if (event.button !== 0) return;
	const x0 = event.clientX;
	const y0 = event.clientY;
	name_dragged = false;
	const on_move = (e) => {
		if (!name_dragged && Math.hypot(e.clientX - x0, e.clientY - y0) < 6) return;
		e.preventDefault();
		name_dragged = true;
		move(e);
	};
	const on_up = (e) => {
		window.removeEventListener("pointermove", on_move);
		window.removeEventListener("pointerup", on_up);
		if (name_dragged) drop(e);
	};
	window.addEventListener("pointermove", on_move);
	window.addEventListener("pointerup", on_up);
}

export function click_name(store, r) {
	if (name_dragged) {
		name_dragged = false;
		return;
	}
	store.selected_row = r.id;
	if (store.planning) open_planning(store, r.id);
}
