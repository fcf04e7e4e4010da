import { defineConfig } from "vite";

// The console is served by the Gatehouse server at /console/ under a CSP that forbids inline
// scripts and styles, so the build emits only external files and no modulepreload polyfill.
export default defineConfig({
  base: "/console/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  // `npm run dev`: the admin API of a running Gatehouse server, on the dev server's own origin.
  server: { proxy: { "/api": process.env.GATEHOUSE_URL ?? "http://localhost:9090" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    sourcemap: false,
  },
});
