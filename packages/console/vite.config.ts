import { defineConfig } from "vite";

// The console is served by the Gatehouse server at /console/ under a CSP that forbids inline
// scripts and styles, so the build emits only external files and no modulepreload polyfill.
export default defineConfig({
  base: "/console/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
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
