// Renders a PDF's pages onto canvases with pdf.js, from bytes held in memory: nothing is
// written to disk and nothing is fetched (pdf.js 5 no longer uses eval); the worker is bundled
// with the app (same origin, allowed by the CSP's script-src 'self').
// pdf.js is loaded on first use: it is large, and it needs browser APIs (DOMMatrix)
// that exist in the window but not in the unit tests' DOM.
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

/** The most pages a preview renders (a preview, not a reader). */
export const MAX_PREVIEW_PAGES = 20;

/** Renders up to MAX_PREVIEW_PAGES pages into `host`; returns the document's page count. */
export async function renderPdf(bytes: Uint8Array, host: HTMLElement, width = 800): Promise<number> {
  const { getDocument, GlobalWorkerOptions } = await import('pdfjs-dist');
  GlobalWorkerOptions.workerSrc = workerUrl;
  const doc = await getDocument({ data: bytes, enableXfa: false }).promise;
  try {
    host.replaceChildren();
    const pages = Math.min(doc.numPages, MAX_PREVIEW_PAGES);
    for (let n = 1; n <= pages; n++) {
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: width / base.width });
      const canvas = document.createElement('canvas');
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.dataset.page = String(n);
      canvas.setAttribute('data-testid', 'attachment.pdfPage');
      host.appendChild(canvas);
      await page.render({ canvas, viewport }).promise;
    }
    return doc.numPages;
  } finally {
    await doc.destroy();
  }
}
