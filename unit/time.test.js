// The board's time arithmetic: wall-clock minutes, never the browser's zone. Run under two zones by .ci/run
// (TZ=America/Toronto and TZ=Asia/Kolkata): the answers must not change.
import { describe, expect, test } from "vitest";
import { add_days, day_min, drive_label, from_min, hhmm, monday_of, snap, to_min, valid_date, weekday } from "../gigafibre_dispatch/public/js/dispatch_board/time.js";

describe("wall-clock minutes", () => {
	test("a time and back is the same text, on a DST change day too", () => {
		for (const t of ["2027-03-14T01:30:00", "2027-03-14T02:30:00", "2027-03-14T03:00:00", "2026-11-01T01:30:00", "2026-12-31T23:45:00"]) {
			expect(from_min(to_min(t))).toBe(t);
		}
	});
	test("a DST change day has 24 wall-clock hours on the board", () => {
		expect(day_min("2027-03-15") - day_min("2027-03-14")).toBe(1440);
		expect(day_min("2026-11-02") - day_min("2026-11-01")).toBe(1440);
		// 02:30 does not exist in Toronto that morning; the board still draws it between 02:00 and 03:00
		expect(to_min("2027-03-14T02:30:00") - to_min("2027-03-14T02:00:00")).toBe(30);
	});
	test("server text with a space or without seconds", () => {
		expect(to_min("2026-12-07 08:30:00")).toBe(to_min("2026-12-07T08:30"));
		expect(to_min(null)).toBe(null);
		expect(to_min("")).toBe(null);
	});
	test("hh:mm of a minute", () => {
		expect(hhmm(to_min("2026-12-07T00:00:00"))).toBe("00:00");
		expect(hhmm(to_min("2026-12-07T23:59:00"))).toBe("23:59");
	});
});

describe("days", () => {
	test("across month and year ends, and a leap day", () => {
		expect(add_days("2026-12-31", 1)).toBe("2027-01-01");
		expect(add_days("2027-01-01", -1)).toBe("2026-12-31");
		expect(add_days("2028-02-28", 1)).toBe("2028-02-29");
		expect(add_days("2027-02-28", 1)).toBe("2027-03-01");
		expect(add_days("2027-03-13", 1)).toBe("2027-03-14");
		expect(add_days("2027-03-14", 1)).toBe("2027-03-15");
	});
	test("weekdays and the Monday of a week", () => {
		expect(weekday("2026-12-06")).toBe(0); // a Sunday
		expect(weekday("2026-12-07")).toBe(1);
		expect(monday_of("2026-12-06")).toBe("2026-11-30"); // a Sunday belongs to the week before
		expect(monday_of("2026-12-07")).toBe("2026-12-07");
		expect(monday_of("2027-01-02")).toBe("2026-12-28"); // across the year end
		expect(monday_of("2027-03-14")).toBe("2027-03-08"); // the DST Sunday
	});
	test("a link's date is a real date or nothing", () => {
		expect(valid_date("2028-02-29")).toBe("2028-02-29");
		expect(valid_date("2027-02-29")).toBe(null);
		expect(valid_date("2026-13-01")).toBe(null);
		expect(valid_date("2026-12-7")).toBe(null);
		expect(valid_date("<script>")).toBe(null);
		expect(valid_date(undefined)).toBe(null);
	});
});

describe("drag snapping", () => {
	test("to the nearest quarter hour", () => {
		expect(snap(7)).toBe(0);
		expect(snap(8)).toBe(15);
		expect(snap(22)).toBe(15);
		expect(snap(23)).toBe(30);
		expect(snap(-8)).toBe(-15);
		expect(snap(37, 30)).toBe(30);
	});
	test("a snapped drop lands on a quarter of the wall clock, whatever the day", () => {
		const base = day_min("2027-03-14");
		for (const raw of [0, 127, 7 * 60 + 52, 23 * 60 + 59]) {
			const at = base + snap(raw);
			expect(at % 15).toBe(0);
			expect(Math.abs(at - (base + raw))).toBeLessThanOrEqual(7.5);
		}
	});
});

describe("a drive as the board says it", () => {
	test("the service's answer named, the estimate said as such, nothing when unknown", () => {
		expect(drive_label({ travel_min: 12, travel_source: "osrm" })).toBe("~12 min (OSRM)");
		expect(drive_label({ travel_min: 9, travel_source: "mapbox" })).toBe("~9 min (Mapbox)");
		expect(drive_label({ travel_min: 14, travel_source: "estimate" })).toBe("~14 min (estimate)");
		expect(drive_label({ travel_min: 0, travel_source: "osrm" })).toBe("~0 min (OSRM)");
		expect(drive_label({ travel_min: null, travel_source: null })).toBe("—");
		expect(drive_label(null)).toBe("—");
	});
});
