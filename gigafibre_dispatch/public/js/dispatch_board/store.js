// The board's state: a view of the server's truth. Every change is a call to api/board.py (a lifecycle command
// underneath); the display may run ahead (optimistic) but the server's answer, or a reload, always wins.
import { defineStore } from "pinia";
import { api, uuid4 } from "./api";
import { add_days, day_min, monday_of, to_min, from_min, route_date, today_site } from "./time";

const SAVED = "gigafibre_dispatch_board:v1";
// Case and accents ignored: "amelie" finds Amélie.
const fold = (text) =>
	String(text || "")
		.normalize("NFD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase();
export const GROUPS = ["", "team", "category"];
// A resource's group: its team (or region), or its category (material resources by kind, people as one group).
export function group_key(r, by) {
	if (by === "team") return r.team || "";
	if (by === "category") return r.category || (r.resource_type === "material" ? "" : __("Technicians"));
	return "";
}
const FREE_AT_MIN = 60; // "free at 14:00": on shift and clear from 14:00 to 15:00
const PRIORITY_RANK = { urgent: 0, high: 1, medium: 2, low: 3 };
// Statuses a drag cannot move (the server's rule is api/board.py MOVABLE; this only greys the block).
export const FIXED = new Set(["Dispatched", "In Progress", "Change Requested", "Completed", "Verified", "Invoiced"]);

// The tag filter: [{tag, level}] (technicians holding the tag at that level or above); an older saved filter held
// bare names (level 1).
export function tag_filter(tags) {
	return (Array.isArray(tags) ? tags : [])
		.map((t) => (typeof t === "string" ? { tag: t, level: 1 } : t))
		.filter((t) => t && t.tag)
		.map((t) => ({ tag: String(t.tag), level: Math.min(5, Math.max(1, parseInt(t.level, 10) || 1)) }));
}

function saved() {
	try {
		return JSON.parse(localStorage.getItem(SAVED) || "{}");
	} catch (e) {
		return {};
	}
}

export const useBoard = defineStore("gigafibre_dispatch_board", {
	state: () => {
		const s = saved();
		return {
			view: s.view || "day",
			date: route_date() || today_site(),
			resource_type: s.resource_type || "",
			categories: s.categories || [],
			tags: tag_filter(s.tags),
			tray_sort: s.tray_sort || "priority",
			tray_collapsed: !!s.tray_collapsed,
			compact: !!s.compact,
			group_by: GROUPS.includes(s.group_by) ? s.group_by : "", // "", "team" or "category": rows in groups
			collapsed: Array.isArray(s.collapsed) ? s.collapsed : [], // the folded groups' keys
			show_map: !!s.show_map,
			planning: false,
			data: null,
			loading: false,
			error: null,
			selected: null,
			selected_row: null,
			card: null,
			timeline: [],
			undo_stack: [],
			live: "connecting",
			busy: 0,
			clock_offset: 0,
			tray_selection: [],
			last_loaded_at: 0,
			in_flight: {},
			offers: {}, // job -> {offer, status}: live offer chips
			network: [], // the last network events (outages) told by dispatch:network, newest first
			search: "", // technicians whose name or ID holds this text (accents and case ignored)
			free_only: false, // only the technicians free for the selected job (or at `free_at`)
			free_at: null, // a minute picked on the day's hour ruler: who is free for the hour from then
			placing: null, // the job whose location the next map click places (geofix)
			map_rev: 0, // bumped when markers move in place (geofix, live GPS) so the map redraws
		};
	},
	getters: {
		range(state) {
			if (state.view === "week") {
				const from = monday_of(state.date);
				return [from, add_days(from, 6)];
			}
			if (state.view === "month") {
				const first = `${state.date.slice(0, 8)}01`;
				const from = monday_of(first);
				return [from, add_days(from, 41)];
			}
			// The day view loads the day shown and its two neighbours (the timeline scrolls across the three).
			return [add_days(state.date, -1), add_days(state.date, 1)];
		},
		// The period the dispatcher looks at: the day itself in the day view, else the loaded range.
		period(state) {
			return state.view === "day" ? [state.date, state.date] : this.range;
		},
		resources(state) {
			if (!state.data) return [];
			const q = fold(state.search.trim());
			const free = state.free_only ? this.free_for : null;
			return state.data.resources.filter(
				(r) =>
					(!state.categories.length || state.categories.includes(r.category || "")) &&
					(!q || fold(`${r.name} ${r.id}`).includes(q)) &&
					(!free || free.has(r.id))
			);
		},
		// The rows the day and week views draw: the resources, or, grouped, a header per group (its name, how many,
		// how many free for the selected job) followed by its resources unless the group is folded.
		board_rows(state) {
			const list = this.resources;
			if (!state.group_by) return list.map((r) => ({ kind: "tech", r }));
			const groups = new Map();
			for (const r of list) {
				const key = group_key(r, state.group_by);
				if (!groups.has(key)) groups.set(key, []);
				groups.get(key).push(r);
			}
			const free = this.free_for;
			const out = [];
			for (const key of [...groups.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : a.localeCompare(b)))) {
				const members = groups.get(key);
				const folded = state.collapsed.includes(`${state.group_by}:${key}`);
				out.push({
					kind: "group",
					key,
					id: `${state.group_by}:${key}`,
					count: members.length,
					free: free ? members.filter((r) => free.has(r.id)).length : null,
					folded,
				});
				if (!folded) for (const r of members) out.push({ kind: "tech", r });
			}
			return out;
		},
		// Who has room for the selected job in the shown range: a stretch of a shift at least as long as the job,
		// clear of their jobs, assists and absences (the job itself not counted where it stands). null: no job
		// selected. The drop rules still decide on the drop; this only points at the likely rows.
		// With no job selected and a time picked on the day's hour ruler (`free_at`): who is on shift and clear for
		// the hour from that time.
		free_for(state) {
			const job = state.selected && this.job_index[state.selected];
			if (!state.data || (!job && state.free_at === null)) return null;
			const dur = !job ? FREE_AT_MIN : job.type === "tray" ? Math.round((job.duration_h || 1) * 60) : to_min(job.end) - to_min(job.start);
			const at = job ? null : state.free_at;
			const out = new Set();
			const [from, to] = this.period;
			for (const r of state.data.resources) {
				if (r.resource_type === "material") continue;
				const busy = r.segments
					.filter((s) => ["job", "assist", "absence"].includes(s.type) && (!job || s.job !== job.job))
					.map((s) => [to_min(s.start), to_min(s.end)]);
				if (at !== null) {
					const on_shift = r.segments.some((s) => s.type === "shift" && to_min(s.start) <= at && at + dur <= to_min(s.end));
					if (on_shift && !busy.some(([a, b]) => a < at + dur && b > at)) out.add(r.id);
					continue;
				}
				const room = r.segments.some((s) => {
					if (s.type !== "shift" || s.start.slice(0, 10) < from || s.start.slice(0, 10) > to) return false;
					let t = to_min(s.start);
					const end = to_min(s.end);
					for (const [a, b] of busy.filter(([a, b]) => b > t && a < end).sort((x, y) => x[0] - y[0])) {
						if (a - t >= dur) return true;
						t = Math.max(t, b);
					}
					return end - t >= dur;
				});
				if (room) out.add(r.id);
			}
			return out;
		},
		all_categories(state) {
			if (!state.data) return [];
			return [...new Set(state.data.resources.map((r) => r.category || ""))].sort();
		},
		tray(state) {
			if (!state.data) return [];
			const rows = [...state.data.unassigned];
			if (state.tray_sort === "priority") {
				rows.sort(
					(a, b) =>
						(PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9) ||
						String(a.job).localeCompare(String(b.job))
				);
			}
			return rows; // "age": the server's order, oldest first
		},
		job_index(state) {
			const index = {};
			if (!state.data) return index;
			for (const r of state.data.resources) {
				for (const s of r.segments) {
					if (s.type === "job") index[s.job] = { ...s, technician: r.id, technician_name: r.name };
				}
			}
			for (const u of state.data.unassigned) index[u.job] = { ...u, type: "tray" };
			return index;
		},
	},
	actions: {
		persist() {
			localStorage.setItem(
				SAVED,
				JSON.stringify({
					view: this.view,
					resource_type: this.resource_type,
					categories: this.categories,
					tags: this.tags,
					tray_sort: this.tray_sort,
					tray_collapsed: this.tray_collapsed,
					compact: this.compact,
					group_by: this.group_by,
					collapsed: this.collapsed,
					show_map: this.show_map,
				})
			);
		},
		toggle_group(id) {
			const i = this.collapsed.indexOf(id);
			if (i >= 0) this.collapsed.splice(i, 1);
			else this.collapsed.push(id);
			this.persist();
		},
		set_view(view) {
			this.view = view;
			this.free_at = null;
			this.persist();
			return this.load();
		},
		shift(n) {
			const step = this.view === "month" ? 28 : this.view === "week" ? 7 : 1;
			if (this.view === "month") {
				const d = new Date(day_min(`${this.date.slice(0, 8)}01`) * 60000);
				d.setUTCMonth(d.getUTCMonth() + n);
				this.date = from_min(d.getTime() / 60000).slice(0, 10);
			} else {
				this.date = add_days(this.date, n * step);
			}
			return this.load();
		},
		go_today() {
			this.date = today_site();
			return this.load();
		},
		// The day timeline scrolled into a neighbour: it becomes the day shown (the three days loaded again).
		move_day(step) {
			this.date = add_days(this.date, step);
			return this.load();
		},
		go_day(date) {
			this.date = date;
			this.free_at = null;
			this.view = "day";
			this.persist();
			return this.load();
		},
		async load() {
			const [from, to] = this.range;
			const seq = (this._seq = (this._seq || 0) + 1);
			this.loading = true;
			try {
				const data = await api.get("get_board", {
					date_from: from,
					date_to: to,
					resource_type: this.resource_type || undefined,
					detail: this.view === "day" ? undefined : "week", // no travel nor map outside the day view
					tags: this.tags.length
						? JSON.stringify(this.tags.map((t) => ({ tag: t.tag, level: t.level, required: true })))
						: undefined,
				});
				if (seq !== this._seq) return; // a newer load is under way
				this.data = data;
				this.offers = { ...(data.offers || {}) };
				this.error = null;
				this.clock_offset = to_min(data.now) - Date.now() / 60000;
				this.last_loaded_at = Date.now();
			} catch (e) {
				this.error = e.message;
			} finally {
				if (seq === this._seq) this.loading = false;
			}
		},
		// A live change to one job: only the rows it left and the row it is on now are fetched and replaced (with
		// the tray and the offers); the rest of the board stays as it is. Anything unexpected: the whole board.
		async patch_job(job, technician) {
			if (!this.data || this.loading) return this.reload_soon(100);
			const techs = new Set(technician ? [technician] : []);
			for (const r of this.data.resources) {
				if (r.segments.some((s) => s.job === job)) techs.add(r.id);
			}
			const shown = new Set(this.data.resources.map((r) => r.id));
			const rows = [...techs].filter((t) => shown.has(t));
			if (technician && !shown.has(technician)) return this.reload_soon(100); // a row this board does not have
			const [from, to] = this.range;
			const seq = this._seq;
			try {
				const data = await api.get("get_board", {
					date_from: from,
					date_to: to,
					resource_type: this.resource_type || undefined,
					detail: this.view === "day" ? undefined : "week", // no travel nor map outside the day view
					technicians: JSON.stringify(rows.length ? rows : [""]),
				});
				if (seq !== this._seq || !this.data) return; // a full load came meanwhile
				const fresh = new Map(data.resources.map((r) => [r.id, r]));
				this.data.resources = this.data.resources.map((r) => fresh.get(r.id) || r);
				this.data.unassigned = data.unassigned;
				this.data.unassigned_total = data.unassigned_total;
				Object.assign(this.data.coords || (this.data.coords = {}), data.coords || {});
				this.offers = { ...this.offers, ...(data.offers || {}) };
				this.last_patched_at = Date.now();
			} catch (e) {
				this.reload_soon(100);
			}
		},
		now_min() {
			return Date.now() / 60000 + this.clock_offset;
		},
		reload_soon(delay = 150) {
			clearTimeout(this._reload_timer);
			this._reload_timer = setTimeout(() => this.load(), delay);
		},
		async select(job) {
			this.selected = job;
			if (!job) {
				this.card = null;
				return;
			}
			const [card, timeline] = await Promise.all([
				api.get("get_job_card", { job }),
				api.lifecycle("get_timeline", { job }).catch(() => ({ timeline: [] })),
			]);
			if (this.selected !== job) return;
			this.card = card;
			this.timeline = timeline.timeline || [];
		},
		refresh_card() {
			if (this.selected) return this.select(this.selected);
		},
		// ---------------------------------------------------------------- changes
		optimistic_move(job, technician, start_min, duration_min) {
			if (!this.data) return;
			let seg = null;
			for (const r of this.data.resources) {
				const i = r.segments.findIndex((s) => s.type === "job" && s.job === job);
				if (i >= 0) seg = r.segments.splice(i, 1)[0];
			}
			const t = this.data.unassigned.findIndex((u) => u.job === job);
			if (t >= 0) {
				const u = this.data.unassigned.splice(t, 1)[0];
				seg = { type: "job", job, title: u.title, status: "Scheduled", priority: u.priority };
				this.data.unassigned_total = Math.max(0, this.data.unassigned_total - 1);
			}
			if (!seg || !technician) return;
			const row = this.data.resources.find((r) => r.id === technician);
			if (!row) return;
			row.segments.push({
				...seg,
				start: from_min(start_min),
				end: from_min(start_min + duration_min),
				status: "Scheduled",
				pending: true,
			});
		},
		async run(label, promise_fn, { undoable = true } = {}) {
			this.busy++;
			try {
				const answer = await promise_fn();
				if (undoable && answer && answer.undo) this.undo_stack.push({ ...answer.undo, label });
				for (const w of (answer && answer.warnings) || []) {
					frappe.show_alert({ message: frappe.utils.escape_html(w.message), indicator: "orange" }, 7);
				}
				return answer;
			} catch (e) {
				frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
				this.last_error = e.message;
				throw e;
			} finally {
				this.busy--;
				await this.load();
				this.refresh_card();
			}
		},
		drop(job, technician, start_min, { duration_min = null, expected = null } = {}) {
			const known = this.job_index[job];
			const dur = duration_min || (known ? (to_min(known.end) - to_min(known.start)) || (known.duration_h || 1) * 60 : 60);
			const exp = expected || known || {};
			this.optimistic_move(job, technician, start_min, dur);
			return this.run(__("Move"), () =>
				api.post("drop", {
					job,
					technician,
					start: from_min(start_min),
					expected_technician: exp.type === "tray" ? "" : exp.technician || "",
					expected_start: exp.type === "tray" ? undefined : exp.start,
				})
			);
		},
		resize(job, duration_h) {
			const known = this.job_index[job];
			const expected = known ? (to_min(known.end) - to_min(known.start)) / 60 : undefined;
			return this.run(__("Resize"), () => api.post("resize", { job, duration_h, expected_duration: expected }));
		},
		release(job, reason) {
			this.optimistic_move(job, null, 0, 0);
			return this.run(__("Unassign"), () => api.post("release", { job, reason }));
		},
		// A technician dragged onto a job (`replaces`: the helper whose assist block was dragged there instead).
		add_assistant(job, tech_id, replaces = null) {
			const payload = replaces ? { tech_id, replaces } : { tech_id };
			return this.run(replaces ? __("Move assistant") : __("Add assistant"), () => api.command(job, "assistant_add", payload), {
				undoable: false,
			});
		},
		remove_assistant(job, tech_id, reason) {
			// A lifecycle command (api.command sends its Idempotency-Key); the job keeps its state.
			return this.run(
				__("Remove assistant"),
				() => api.command(job, "assistant_remove", reason ? { tech_id, reason } : { tech_id }),
				{ undoable: false }
			);
		},
		start_placing(job) {
			this.placing = job;
			if (!this.show_map || this.view !== "day") {
				this.show_map = true;
				this.view = "day";
				this.persist();
			}
		},
		async place(latitude, longitude) {
			const job = this.placing;
			this.placing = null;
			if (!job) return;
			try {
				const r = await api.call("gigafibre_dispatch.api.board.geofix", { job, latitude, longitude });
				if (this.data) {
					for (const name of r.jobs || [job]) {
						if (name in this.data.coords || name === job) this.data.coords[name] = [r.latitude, r.longitude];
					}
					this.map_rev++;
				}
				frappe.show_alert({ message: __("{0} placed at {1}, {2}", [job, r.latitude, r.longitude]), indicator: "green" });
				this.refresh_card();
				return r;
			} catch (e) {
				frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }, 8);
				throw e;
			}
		},
		gps_fix({ technician, latitude, longitude, fix_at } = {}) {
			// A live position (dispatch:gps): the marker moves, no reload.
			if (!this.data || !technician || latitude == null || longitude == null) return;
			this.data.positions = { ...(this.data.positions || {}), [technician]: { lat: latitude, lon: longitude, at: fix_at } };
			this.map_rev++;
		},
		async undo() {
			const last = this.undo_stack.pop();
			if (!last) {
				frappe.show_alert({ message: __("Nothing to undo"), indicator: "blue" });
				return;
			}
			const call =
				last.action === "release"
					? () => api.post("release", { job: last.job, reason: __("Undo") })
					: () =>
							api.post("drop", {
								job: last.job,
								technician: last.technician,
								start: last.start,
								duration_h: last.duration_h,
							});
			frappe.show_alert({ message: __("Undo: {0}", [last.label]), indicator: "blue" });
			return this.run(__("Undo"), call, { undoable: false });
		},
		async materialize(template, start) {
			const k = `${template}|${start}`;
			if (this.in_flight[k]) return this.in_flight[k]; // a double click: one request
			this.in_flight[k] = api
				.post("materialize", { template, occurrence_start: start }, uuid4())
				.then(async (r) => {
					await this.load();
					this.select(r.name);
					return r;
				})
				.catch((e) => frappe.show_alert({ message: frappe.utils.escape_html(e.message), indicator: "red" }))
				.finally(() => setTimeout(() => delete this.in_flight[k], 1000));
			return this.in_flight[k];
		},
		async batch_assign(jobs, technician, start_min) {
			let at = start_min;
			for (const job of jobs) {
				const known = this.job_index[job] || {};
				const dur = (known.duration_h || 1) * 60;
				try {
					await this.drop(job, technician, at, { duration_min: dur });
				} catch (e) {
					break;
				}
				at += dur;
			}
			this.tray_selection = [];
		},
	},
});
