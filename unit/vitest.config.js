// The board's unit tests: plain Node (no browser), the browser globals Frappe gives the board set in setup.js.
// The board's sources live outside this folder: "vue" and "pinia" resolve to one copy, this folder's.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
	resolve: {
		alias: {
			pinia: here("./node_modules/pinia/dist/pinia.mjs"),
			vue: here("./node_modules/vue/index.mjs"),
		},
		dedupe: ["vue", "pinia"],
	},
	test: {
		include: ["*.test.js"],
		setupFiles: ["./setup.js"],
		environment: "node",
	},
});
