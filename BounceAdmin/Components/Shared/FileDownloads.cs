using Microsoft.JSInterop;

namespace BounceAdmin.Components.Shared;

/// <summary>Sends a file the server produced (an export) to the browser as a download.</summary>
/// <remarks>
/// The bytes travel as a stream (<see cref="DotNetStreamReference"/>), which Blazor sends over the circuit in chunks, and
/// the browser saves them from a Blob. A base64 string in one interop call would hold the whole file three times in
/// memory on each side and would have to fit in a single circuit message; an audit export may be many megabytes.
/// </remarks>
public static class FileDownloads
{
    /// <summary>Name of the JavaScript helper in wwwroot/app.js that receives the stream.</summary>
    public const string JsFunction = "bounceAdmin.downloadFileFromStream";

    /// <summary>Offers <paramref name="content"/> to the user as the file <paramref name="fileName"/>.</summary>
    public static async Task DownloadAsync(IJSRuntime js, string fileName, string contentType, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(js);
        using var stream = new DotNetStreamReference(new MemoryStream(content, writable: false));
        await js.InvokeVoidAsync(JsFunction, fileName, contentType, stream);
    }

    /// <summary>Offers <paramref name="content"/> (read from its current position, e.g. a temporary file) to the user as the file <paramref name="fileName"/>; the browser pulls it in chunks.</summary>
    public static async Task DownloadAsync(IJSRuntime js, string fileName, string contentType, Stream content)
    {
        ArgumentNullException.ThrowIfNull(js);
        using var stream = new DotNetStreamReference(content, leaveOpen: true);
        await js.InvokeVoidAsync(JsFunction, fileName, contentType, stream);
    }
}
