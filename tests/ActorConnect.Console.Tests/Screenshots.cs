using System.Buffers.Binary;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ActorConnect.Console.Tests;

/// <summary>
/// Takes a screenshot of the viewport and checks that it shows what the test asserted: each element is visible and lies
/// wholly inside the viewport the screenshot captured, and the file is a PNG of the viewport's size.
/// </summary>
public static class Screenshots
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The folder under the test output the screenshots are saved in.</summary>
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task<string> TakeAsync(IPage page, ITestOutputHelper output, string name, params ILocator[] shown)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(shown);
        var viewport = page.ViewportSize ?? throw new InvalidOperationException("The page has no fixed viewport");
        if (shown.Length > 0)
        {
            // Aligned to the top, so the elements below the first (the rest of its connector) fit in the viewport too.
            await shown[0].EvaluateAsync("e => e.scrollIntoView({ block: 'start' })");
        }

        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, $"{name}-{DateTime.UtcNow:HHmmss-fff}.png");
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        // The boxes are read right after the shot, before the next refresh (2 s) could move anything.
        foreach (var element in shown)
        {
            Assert.True(await element.IsVisibleAsync(), $"{element} is not visible in screenshot {name}");
            var box = await element.BoundingBoxAsync();
            Assert.True(box is not null, $"{element} has no box in screenshot {name}");
            Assert.True(
                box.X >= 0 && box.Y >= 0 && box.Width > 0 && box.Height > 0 && box.X + box.Width <= viewport.Width && box.Y + box.Height <= viewport.Height,
                $"{element} at ({box.X},{box.Y}) {box.Width}x{box.Height} is not inside the {viewport.Width}x{viewport.Height} viewport of screenshot {name}");
        }

        AssertPngOfSize(png, viewport.Width, viewport.Height, name);
        Assert.Equal(png, await File.ReadAllBytesAsync(path));
        output.WriteLine($"screenshot {name}: {path}");
        return path;
    }

    private static void AssertPngOfSize(byte[] png, int width, int height, string name)
    {
        // Signature, then the IHDR chunk: length (4), type (4), width (4), height (4), big-endian.
        Assert.True(png.Length > 1000 && png.AsSpan(0, 8).SequenceEqual(PngSignature), $"screenshot {name} is not a PNG ({png.Length} bytes)");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }
}
