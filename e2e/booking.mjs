// Self-scheduling at a phone viewport: the customer opens the booking link from their SMS, picks a time with a
// tap and confirms; the server books it through the lifecycle commands (checked after each step). In English, a
// time taken meanwhile is refused and the slots free now are shown; a used link shows the appointment.
//   FIXTURE='{"fr": job, "fr_link": token, "en": job, "en_link": token, "rival": job}' BASE_URL=… node e2e/booking.mjs
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";

const BASE = process.env.BASE_URL || "http://127.0.0.1:8000";
const OUT = process.env.OUT || "/tmp/e2e";
const F = JSON.parse(process.env.FIXTURE);
mkdirSync(OUT, { recursive: true });
const fail = (msg) => { console.error("FAIL:", msg); process.exitCode = 1; };

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const phone = { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const staff = await browser.newContext();
const admin = staff.request;
const job = async (name) => (await (await admin.get(`${BASE}/api/method/frappe.client.get_value?doctype=Dispatch%20Job&filters=${encodeURIComponent(JSON.stringify({ name }))}&fieldname=${encodeURIComponent(JSON.stringify(["status", "assigned_technician", "scheduled_start", "booking_link_nonce"]))}`)).json()).message;
const slotsOf = async (page) => page.locator("button.slot").evaluateAll((bs) => bs.map((b) => ({ technician: b.dataset.technician, start: b.dataset.start, text: b.textContent })));
const sameTime = (a, b) => a.replace("T", " ").slice(0, 16) === b.replace("T", " ").slice(0, 16);
let page;
try {
	if (!(await admin.post(`${BASE}/api/method/login`, { form: { usr: "Administrator", pwd: process.env.ADMIN_PASSWORD || "admin" } })).ok()) throw new Error("admin login");
	// The SMS the customer got carries the link.
	const sms = (await (await admin.get(`${BASE}/api/resource/Dispatch SMS Log?filters=${encodeURIComponent(JSON.stringify([["job", "=", F.fr]]))}&fields=${encodeURIComponent(JSON.stringify(["body"]))}`)).json()).data;
	if (sms.length !== 1 || !sms[0].body.startsWith("Gigafibre : choisissez l'heure de votre rendez-vous") || !sms[0].body.includes(`/book/${F.fr_link}`)) fail(`booking SMS: ${JSON.stringify(sms)}`);

	// French: pick the second time offered, confirm, the job is booked there.
	page = await (await browser.newContext({ ...phone, locale: "fr-CA" })).newPage();
	await page.goto(`${BASE}/book/${F.fr_link}`);
	await page.screenshot({ path: `${OUT}/book-fr.png`, fullPage: true });
	if (!(await page.content()).includes("Choisissez l'heure qui vous convient") && !(await page.content()).includes("Choisissez l&#39;heure qui vous convient")) fail("booking page not in French");
	const offered = await slotsOf(page);
	if (offered.length !== 5) fail(`slots offered: ${offered.length} (setting: 5)`);
	if (!offered.every((s) => /^(lun|mar|mer|jeu|ven|sam|dim)\. (\d+|1er) \S+, \d{1,2} h/.test(s.text.trim()))) fail(`slot labels: ${offered.map((s) => s.text).join(" | ")}`);
	const width = await page.evaluate(() => document.documentElement.scrollWidth);
	if (width > 375) fail(`booking page wider than the phone: ${width}`);
	if (!(await page.locator("#confirm").isDisabled())) fail("confirm enabled before a pick");
	await page.locator("button.slot").nth(1).tap();
	if ((await page.locator("button.slot").nth(1).getAttribute("aria-pressed")) !== "true") fail("the tapped slot is not marked");
	if ((await job(F.fr)).status !== "New") fail("booked before confirming");
	await page.locator("#confirm").tap();
	await page.locator("#message.ok", { hasText: "Réservé : " }).waitFor({ timeout: 20000 });
	const booked = await job(F.fr);
	if (booked.status !== "Scheduled" || booked.assigned_technician !== offered[1].technician || !sameTime(booked.scheduled_start, offered[1].start)) fail(`after booking: ${JSON.stringify(booked)} vs ${JSON.stringify(offered[1])}`);
	if (!String(booked.booking_link_nonce).startsWith("used:")) fail("the link is not marked used");
	await page.waitForURL(/\/book\//);
	await page.locator("#booked").waitFor({ timeout: 15000 });
	await page.screenshot({ path: `${OUT}/book-fr-done.png`, fullPage: true });
	if (await page.locator("button.slot").count()) fail("a used link still offers times");
	const audit = (await (await admin.get(`${BASE}/api/method/gigafibre_dispatch.api.lifecycle.get_timeline?job=${F.fr}`)).json()).data.timeline;
	if (!JSON.stringify(audit).includes("customer-link:")) fail("the booking is not audited under the link");

	// English, and the first time offered is taken by someone else meanwhile.
	page = await (await browser.newContext({ ...phone, locale: "en-CA" })).newPage();
	await page.goto(`${BASE}/book/${F.en_link}`);
	if (!(await page.content()).includes("Choose the time that suits you")) fail("booking page not in English");
	const en = await slotsOf(page);
	if (!en.length || !/^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) /.test(en[0].text.trim())) fail(`English slots: ${en.map((s) => s.text).join(" | ")}`);
	const rival = await admin.post(`${BASE}/api/v2/document/Dispatch%20Job/${F.rival}/method/schedule_book`, { headers: { "Idempotency-Key": randomUUID() }, data: { technician: en[0].technician, start: en[0].start.replace("T", " ") } });
	if (!rival.ok()) fail(`rival booking: ${rival.status()} ${await rival.text()}`);
	await page.locator("button.slot").first().tap();
	await page.locator("#confirm").tap();
	await page.locator("#message.err", { hasText: "That time was just taken" }).waitFor({ timeout: 20000 });
	await page.screenshot({ path: `${OUT}/book-en-taken.png`, fullPage: true });
	const fresh = await slotsOf(page);
	if (fresh.some((s) => s.technician === en[0].technician && s.start === en[0].start)) fail("the taken time is still offered");
	if ((await job(F.en)).status !== "New") fail("a taken time was booked");
	await page.locator("button.slot").first().tap();
	await page.locator("#confirm").tap();
	await page.locator("#message.ok", { hasText: "Booked: " }).waitFor({ timeout: 20000 });
	const en_booked = await job(F.en);
	if (en_booked.status !== "Scheduled" || en_booked.assigned_technician !== fresh[0].technician) fail(`English booking: ${JSON.stringify(en_booked)}`);
	// A forged link shows nothing.
	const forged = await page.goto(`${BASE}/book/${F.en_link.slice(0, -3)}abc?lang=en`);
	if (forged.status() !== 401 || !(await page.content()).includes("call us for a new one")) fail("a forged link");
	console.log(JSON.stringify({ fr: booked.status, en: en_booked.status, offered: offered.length, refreshed: fresh.length }));
} catch (e) {
	if (page) await page.screenshot({ path: `${OUT}/book-error.png`, fullPage: true }).catch(() => {});
	fail(e.stack || String(e));
} finally {
	await browser.close();
}
