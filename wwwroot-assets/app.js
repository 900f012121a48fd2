// Small helpers for BounceAdmin pages.
window.bounceAdmin = {
  // Saves a file that the server produced (CSV/XLSX export). The server sends it as a stream (DotNetStreamReference);
  // the browser keeps it as a Blob and saves it through a temporary link.
  downloadFileFromStream: async function (fileName, contentType, streamRef) {
    const buffer = await streamRef.arrayBuffer();
    const url = URL.createObjectURL(new Blob([buffer], { type: contentType }));
    try {
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      document.body.appendChild(link);
      link.click();
      link.remove();
    } finally {
      // The click has handed the Blob to the download; the URL is not needed any longer.
      setTimeout(() => URL.revokeObjectURL(url), 0);
    }
  }
};
