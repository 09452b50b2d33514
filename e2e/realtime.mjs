// Realtime over socket.io: a command run by one Desk session reaches another open Desk within a second.
//   BASE_URL=http://127.0.0.1:8000 ADMIN_PASSWORD=admin node e2e/realtime.mjs
// Needs the site's socket.io server running (bench start, or .ci/run's processes), playwright-core and chromium.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";

const BASE = process.env.BASE_URL || "http://127.0.0.1:8000";
const OUT = process.env.OUT || "/tmp/e2e";
mkdirSync(OUT, { recursive: true });
const fail = (msg) => {
	console.error("FAIL:", msg);
	process.exitCode = 1;
};

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

async function desk() {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	const login = await page.request.post(`${BASE}/api/method/login`, { form: { usr: "Administrator", pwd: process.env.ADMIN_PASSWORD || "admin" } });
	if (!login.ok()) throw new Error(`login ${login.status()}`);
	await page.goto(`${BASE}/app/dispatch-job?status=New`);
	await page.waitForFunction(() => window.frappe && frappe.realtime && frappe.realtime.socket, null, { timeout: 30000 });
	return page;
}

try {
	const watcher = await desk();
	const actor = await desk();
	// The watcher's socket must be connected before the change happens.
	await watcher.waitForFunction(() => frappe.realtime.socket.connected, null, { timeout: 15000 });
	const job = await actor.evaluate(async () => {
		const rows = await frappe.xcall("frappe.client.get_list", { doctype: "Dispatch Job", filters: { status: "New" }, fields: ["name"], limit_page_length: 1 });
		return rows[0] && rows[0].name;
	});
	if (!job) throw new Error("no New job on the site (is the demo loaded?)");
	await watcher.evaluate((name) => {
		window.__events = [];
		frappe.realtime.on("dispatch:job_updated", (data) => {
			if (data.job === name) window.__events.push({ ...data, at: Date.now() });
		});
	}, job);

	const key = randomUUID();
	const result = await actor.evaluate(
		async ({ name, key }) => {
			const sent = Date.now();
			const response = await fetch(`/api/v2/document/Dispatch%20Job/${encodeURIComponent(name)}/method/triage`, {
				method: "POST",
				headers: { "Content-Type": "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token, "Idempotency-Key": key },
				body: JSON.stringify({ priority: "high", note: "realtime check" }),
			});
			return { status: response.status, body: await response.json(), sent, at: Date.now() };
		},
		{ name: job, key },
	);
	if (result.status !== 200) throw new Error(`triage ${result.status}: ${JSON.stringify(result.body)}`);
	if (result.body.data.to_state !== "Triaged") fail(`triage went to ${result.body.data.to_state}`);

	const events = await watcher
		.waitForFunction(() => window.__events.length > 0 && window.__events, null, { timeout: 5000 })
		.then((h) => h.jsonValue())
		.catch(() => []);
	if (!events.length) {
		fail("the other Desk never received dispatch:job_updated");
	} else {
		// From the moment the command was sent (the event may arrive before its HTTP response does).
		const latency = events[0].at - result.sent;
		console.log(`realtime: ${job} ${events[0].from_state} -> ${events[0].status} seen by the other Desk ${latency} ms after the command was sent (its response took ${result.at - result.sent} ms)`);
		if (events[0].status !== "Triaged") fail(`event says ${events[0].status}`);
		if (latency > 1000) fail(`event took ${latency} ms (> 1 s)`);
	}
	// Server state after the step: the job is Triaged with its audit row.
	const state = await actor.evaluate(async (name) => {
		const doc = await frappe.xcall("frappe.client.get_value", { doctype: "Dispatch Job", filters: { name }, fieldname: ["status", "priority"] });
		const audits = await frappe.xcall("frappe.client.get_count", { doctype: "Dispatch Audit Event", filters: { job: name, command: "triage" } });
		return { ...doc, audits };
	}, job);
	if (state.status !== "Triaged" || state.priority !== "high" || state.audits < 1) fail(`server state after triage: ${JSON.stringify(state)}`);
	await watcher.screenshot({ path: `${OUT}/realtime.png` });
} catch (e) {
	fail(e.stack || String(e));
} finally {
	await browser.close();
}
