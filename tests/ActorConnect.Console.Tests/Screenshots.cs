using Microsoft.Playwright;

namespace ActorConnect.Console.Tests;

/// <summary>
/// Takes a screenshot of the viewport and checks that it shows what the test asserted: the file is a PNG of the
/// viewport's size, and each element is visible, lies wholly inside the viewport, and is painted in the screenshot
/// (its area is not one flat colour).
/// </summary>
public static class Screenshots
{
    /// <summary>The folder under the test output the screenshots are saved in.</summary>
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <returns>The screenshot's pixels, for checks of a test's own.</returns>
    /// <param name="page">The page, with a fixed viewport.</param>
    /// <param name="print">Where the screenshot's path is printed.</param>
    /// <param name="name">The file's name before its time stamp.</param>
    /// <param name="shown">The elements the screenshot must show; the first is scrolled to the top.</param>
    public static async Task<PngPixels> TakeAsync(IPage page, Action<string> print, string name, params ILocator[] shown)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(print);
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
        var pixels = PngPixels.Decode(png);
        Assert.True(pixels.Width == viewport.Width && pixels.Height == viewport.Height,
            $"screenshot {name} is {pixels.Width}x{pixels.Height}, the viewport {viewport.Width}x{viewport.Height}");
        Assert.Equal(png, await File.ReadAllBytesAsync(path));
        // The boxes are read right after the shot, before the next refresh (2 s) could move anything.
        foreach (var element in shown)
        {
            Assert.True(await element.IsVisibleAsync(), $"{element} is not visible in screenshot {name}");
            var box = await element.BoundingBoxAsync();
            Assert.True(box is not null, $"{element} has no box in screenshot {name}");
            Assert.True(
                box.X >= 0 && box.Y >= 0 && box.Width > 0 && box.Height > 0 && box.X + box.Width <= viewport.Width && box.Y + box.Height <= viewport.Height,
                $"{element} at ({box.X},{box.Y}) {box.Width}x{box.Height} is not inside the {viewport.Width}x{viewport.Height} viewport of screenshot {name}");
            // Text or a border drawn there gives at least two colours; a blank or unpainted area has one.
            Assert.True(pixels.Region(box).Distinct().Skip(1).Any(), $"{element} at ({box.X},{box.Y}) {box.Width}x{box.Height} is blank in screenshot {name}");
        }

        print($"screenshot {name}: {path}");
        return pixels;
    }
}
