// Two builds from one source: the dashboard (dist/, served by `vafa serve`) and the report
// template (dist-report/report.html: one file with every script, style and font inlined, which
// `vafa report` fills with the data).
import { defineConfig, type Plugin } from "vite";

// Moves the built script and style into the HTML page and drops the separate files.
function inlineEverything(): Plugin {
  return {
    name: "vafa-inline-everything",
    enforce: "post",
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find(
        (f) => f.type === "asset" && f.fileName.endsWith(".html"),
      );
      if (!html || html.type !== "asset") return;
      let page = String(html.source);
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === "chunk" && file.isEntry) {
          const code = file.code.replaceAll("</script", "<\\/script");
          page = page.replace(
            new RegExp(`<script[^>]*src="[^"]*${file.fileName}"[^>]*></script>`),
            () => `<script type="module">${code}</script>`,
          );
          delete bundle[name];
        } else if (file.type === "asset" && file.fileName.endsWith(".css")) {
          page = page.replace(
            new RegExp(`<link[^>]*href="[^"]*${file.fileName}"[^>]*>`),
            () => `<style>${String(file.source)}</style>`,
          );
          delete bundle[name];
        }
      }
      html.source = page;
    },
  };
}

export default defineConfig(({ mode }) =>
  mode === "report"
    ? {
        base: "./",
        plugins: [inlineEverything()],
        build: {
          outDir: "dist-report",
          emptyOutDir: true,
          assetsInlineLimit: () => true,
          cssCodeSplit: false,
          modulePreload: false,
          chunkSizeWarningLimit: 1500,
          rollupOptions: { input: "report.html" },
        },
      }
    : {
        base: "/",
        build: {
          outDir: "dist",
          emptyOutDir: true,
          chunkSizeWarningLimit: 900, // ECharts: one file, cached for good (immutable)
          rollupOptions: { input: "index.html" },
        },
        server: { proxy: { "/api": "http://127.0.0.1:8080" } },
      },
);
