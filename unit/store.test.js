// The board's store on data shaped as get_board answers it: the range each view loads, who is free (for a job, or
// at a time picked on the ruler), search, groups, the tray's order, the saved tag filter.
import { beforeEach, describe, expect, test } from "vitest";
import { createPinia, setActivePinia } from "pinia";
import { TODAY } from "./setup.js";
import { group_key, tag_filter, useBoard } from "../gigafibre_dispatch/public/js/dispatch_board/store.js";
import { to_min } from "../gigafibre_dispatch/public/js/dispatch_board/time.js";

const D = "2026-12-09"; // a Wednesday
const seg = (type, start, end, extra = {}) => ({ type, start: `${D}T${start}:00`, end: `${D}T${end}:00`, ...extra });
const job = (id, start, end) => seg("job", start, end, { job: id, title: id, status: "Scheduled", conflicts: [] });

function board() {
	return {
		from: "2026-12-08",
		to: "2026-12-10",
		resources: [
			// on shift 08-17, busy 10-11 and 13-15: free 08-10, 11-13, 15-17
			{ id: "T1", name: "Amélie Bélanger", resource_type: "human", team: "Nord", category: "Fibre", segments: [seg("shift", "08:00", "17:00"), job("J1", "10:00", "11:00"), job("J2", "13:00", "15:00")] },
			// on shift 08-12 only, absent 09-10
			{ id: "T2", name: "Marc Roy", resource_type: "human", team: "Sud", category: "Fibre", segments: [seg("shift", "08:00", "12:00"), seg("absence", "09:00", "10:00", { reason: "Médecin" })] },
			// on shift 08-17, helping on a job 08-16:30 (an assist is busy time)
			{ id: "T3", name: "Zoé Tremblay", resource_type: "human", team: "", category: "", segments: [seg("shift", "08:00", "17:00"), seg("assist", "08:00", "16:30", { job: "J9" })] },
			// a bucket truck: never "free" as a person is
			{ id: "M1", name: "Nacelle 1", resource_type: "material", team: "Nord", category: "Nacelle", segments: [seg("shift", "08:00", "17:00")] },
		],
		unassigned: [
			{ job: "U3", title: "c", duration_h: 1, priority: "low" },
			{ job: "U1", title: "a", duration_h: 2, priority: "urgent" },
			{ job: "U2", title: "b", duration_h: 3, priority: "medium" },
			{ job: "U0", title: "d", duration_h: 1, priority: "urgent" },
		],
	};
}

let store;
beforeEach(() => {
	localStorage.clear();
	setActivePinia(createPinia());
	store = useBoard();
	store.date = D;
	store.data = board();
});

describe("the range each view loads", () => {
	test("the day view: the day and its neighbours; the period is the day", () => {
		expect(store.range).toEqual(["2026-12-08", "2026-12-10"]);
		expect(store.period).toEqual([D, D]);
	});
	test("the week view: Monday to Sunday, a Sunday in the week before", () => {
		store.view = "week";
		expect(store.range).toEqual(["2026-12-07", "2026-12-13"]);
		store.date = "2026-12-13";
		expect(store.range).toEqual(["2026-12-07", "2026-12-13"]);
		store.date = "2027-01-01";
		expect(store.range).toEqual(["2026-12-28", "2027-01-03"]);
	});
	test("the month view: six weeks from the Monday on or before the 1st", () => {
		store.view = "month";
		store.date = "2027-03-20";
		expect(store.range).toEqual(["2027-03-01", "2027-04-11"]);
		store.date = "2026-12-31";
		expect(store.range).toEqual(["2026-11-30", "2027-01-10"]);
	});
	test("a new board opens on the site's today", () => {
		setActivePinia(createPinia());
		expect(useBoard().date).toBe(TODAY);
	});
});

describe("free at a time picked on the ruler (on shift and clear for the hour)", () => {
	const at = (hhmm) => to_min(`${D}T${hhmm}:00`);
	test("each technician by their shift, jobs, assists and absences", () => {
		store.free_at = at("08:00");
		expect([...store.free_for].sort()).toEqual(["T1", "T2"]); // T2 clear until the absence at 09:00; T3 assisting
		store.free_at = at("08:30");
		expect([...store.free_for].sort()).toEqual(["T1"]); // T2's hour runs into the absence
		store.free_at = at("10:00");
		expect([...store.free_for].sort()).toEqual(["T2"]); // T1 on J1
		store.free_at = at("11:00");
		expect([...store.free_for].sort()).toEqual(["T1", "T2"]);
		store.free_at = at("11:30");
		expect([...store.free_for].sort()).toEqual(["T1"]); // T2's shift ends at 12:00
		store.free_at = at("16:30");
		expect([...store.free_for].sort()).toEqual([]); // no full hour left in anyone's shift
	});
	test("no time picked and no job selected: no filter", () => {
		expect(store.free_for).toBe(null);
		store.free_only = true;
		expect(store.resources.map((r) => r.id)).toEqual(["T1", "T2", "T3", "M1"]);
	});
	test("the filter keeps only the free rows", () => {
		store.free_at = at("11:00");
		store.free_only = true;
		expect(store.resources.map((r) => r.id)).toEqual(["T1", "T2"]);
	});
});

describe("free for the selected job (a stretch of a shift as long as the job)", () => {
	test("a tray job fits the gaps as long as it is, nobody's for three hours", () => {
		store.selected = "U1"; // 2 h: T1 08-10, T2 10-12 (after the absence); T3 has half an hour
		expect([...store.free_for].sort()).toEqual(["T1", "T2"]);
		store.selected = "U2"; // 3 h: nobody
		expect([...store.free_for].sort()).toEqual([]);
		store.selected = "U3"; // 1 h
		expect([...store.free_for].sort()).toEqual(["T1", "T2"]);
		// T2's morning filled but for half an hour: the job no longer fits them
		store.data.resources[1].segments.push(job("J5", "08:00", "09:00"), job("J6", "10:30", "12:00"));
		expect([...store.free_for].sort()).toEqual(["T1"]);
	});
	test("a booked job does not block itself where it stands", () => {
		store.selected = "J2"; // 2 h, 13-15 on T1
		expect(store.free_for.has("T1")).toBe(true);
	});
});

describe("search, groups and the tray", () => {
	test("a name typed without accents or case finds the technician", () => {
		store.search = "amelie";
		expect(store.resources.map((r) => r.id)).toEqual(["T1"]);
		store.search = "  ROY ";
		expect(store.resources.map((r) => r.id)).toEqual(["T2"]);
		store.search = "m1";
		expect(store.resources.map((r) => r.id)).toEqual(["M1"]);
	});
	test("groups by team, sorted, the unnamed group last; a folded group hides its rows", () => {
		store.group_by = "team";
		const rows = () => store.board_rows.map((x) => (x.kind === "group" ? `[${x.key}:${x.count}]` : x.r.id));
		expect(rows()).toEqual(["[Nord:2]", "T1", "M1", "[Sud:1]", "T2", "[:1]", "T3"]);
		store.collapsed = ["team:Nord"];
		expect(rows()).toEqual(["[Nord:2]", "[Sud:1]", "T2", "[:1]", "T3"]);
		store.free_at = to_min(`${D}T11:00:00`);
		expect(store.board_rows.filter((x) => x.kind === "group").map((g) => g.free)).toEqual([1, 1, 0]);
	});
	test("a resource's group by category: people without one are Technicians, machines by their kind", () => {
		expect(group_key({ category: "", resource_type: "human" }, "category")).toBe("Technicians");
		expect(group_key({ category: "Nacelle", resource_type: "material" }, "category")).toBe("Nacelle");
		expect(group_key({ team: "Nord" }, "")).toBe("");
	});
	test("the tray by priority, then by job; or as the server sent it", () => {
		expect(store.tray.map((u) => u.job)).toEqual(["U0", "U1", "U2", "U3"]);
		store.tray_sort = "age";
		expect(store.tray.map((u) => u.job)).toEqual(["U3", "U1", "U2", "U0"]);
	});
	test("a saved tag filter: names at level 1, levels kept between 1 and 5, junk dropped", () => {
		expect(tag_filter(["Fibre", { tag: "Nacelle", level: 9 }, { tag: "Cuivre", level: "0" }, null, { level: 2 }])).toEqual([
			{ tag: "Fibre", level: 1 },
			{ tag: "Nacelle", level: 5 },
			{ tag: "Cuivre", level: 1 },
		]);
		expect(tag_filter("Fibre")).toEqual([]);
	});
});
