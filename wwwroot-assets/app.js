// Small helpers for BounceAdmin pages.
window.bounceAdmin = {
  // Saves a file that the server produced (CSV/XLSX export) through a temporary link.
  downloadFile: function (fileName, contentType, base64) {
    const link = document.createElement('a');
    link.href = 'data:' + contentType + ';base64,' + base64;
    link.download = fileName;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
};
