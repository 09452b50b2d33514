// The dispatch board in headless Chromium, driven with real pointer and keyboard events; after each step the
// server's state is read back through the API (status, technician, start, audit trail), not the page.
//   BASE_URL=http://test.localhost:8010 ADMIN_PASSWORD=admin node e2e/board.mjs
// The page object is board/page.mjs; one spec per feature in board/NN_*.mjs, run here in order (some build on
// the jobs an earlier one booked). Exit code 1 on any failed check.
import { readdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { BASE, OUT, browser, created, failures, page, results } from "./board/page.mjs";

const only = process.env.SPECS ? new Set(process.env.SPECS.split(",")) : null; // e.g. SPECS=04_filters_and_map
for (const file of readdirSync(new URL("./board/", import.meta.url)).filter((f) => /^\d\d_.*\.mjs$/.test(f)).sort()) {
	if (only && !only.has(file.replace(/\.mjs$/, ""))) continue;
	console.log(`-- ${file}`);
	await import(`./board/${file}`);
}
// Clean up through the lifecycle: the jobs this run made are cancelled (jobs that left New are never deleted).
{
	const csrf = await page.evaluate(() => frappe.csrf_token).catch(() => null);
	for (const job of created) {
		await page.request.post(`${BASE}/api/v2/document/Dispatch%20Job/${encodeURIComponent(job)}/method/cancel`, {
			headers: { "X-Frappe-CSRF-Token": csrf, "Idempotency-Key": randomUUID() },
			data: { reason: "e2e cleanup" },
		});
	}
}
await browser.close();
console.log(`\n${results.length - failures()}/${results.length} checks passed; screenshots in ${OUT}`);
process.exitCode = failures() ? 1 : 0;
