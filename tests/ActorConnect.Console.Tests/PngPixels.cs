using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ActorConnect.Console.Tests;

/// <summary>
/// The pixels of a PNG as Chromium writes screenshots (8-bit RGB or RGBA, not interlaced), enough to tell whether an
/// area of a screenshot shows something or is blank.
/// </summary>
public sealed class PngPixels
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly byte[] _rows;
    private readonly int _bytesPerPixel;

    private PngPixels(int width, int height, int bytesPerPixel, byte[] rows)
    {
        Width = width;
        Height = height;
        _bytesPerPixel = bytesPerPixel;
        _rows = rows;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The pixel's colour as 0xRRGGBB (alpha ignored: screenshots are opaque).</summary>
    public int Rgb(int x, int y)
    {
        var i = (y * Width + x) * _bytesPerPixel;
        return (_rows[i] << 16) | (_rows[i + 1] << 8) | _rows[i + 2];
    }

    /// <summary>The colours of the rectangle's pixels (clipped to the image), row by row.</summary>
    public IEnumerable<int> Region(int x, int y, int width, int height)
    {
        for (var row = Math.Max(0, y); row < Math.Min(Height, y + height); row++)
        {
            for (var column = Math.Max(0, x); column < Math.Min(Width, x + width); column++)
            {
                yield return Rgb(column, row);
            }
        }
    }

    /// <summary>The colours of an element's box (as Playwright measures it, in CSS pixels at scale 1).</summary>
    public IEnumerable<int> Region(Microsoft.Playwright.LocatorBoundingBoxResult box)
    {
        ArgumentNullException.ThrowIfNull(box);
        return Region((int)box.X, (int)box.Y, (int)Math.Ceiling(box.Width), (int)Math.Ceiling(box.Height));
    }

    public static PngPixels Decode(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException($"not a PNG ({png.Length} bytes)");
        }

        int width = 0, height = 0, bytesPerPixel = 0;
        using var compressed = new MemoryStream();
        for (var at = 8; at + 8 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at, 4));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data[..4]);
                height = BinaryPrimitives.ReadInt32BigEndian(data.Slice(4, 4));
                var (depth, colourType, interlace) = (data[8], data[9], data[12]);
                bytesPerPixel = colourType switch { 2 => 3, 6 => 4, _ => 0 };
                if (depth != 8 || bytesPerPixel == 0 || interlace != 0)
                {
                    throw new InvalidDataException($"PNG with bit depth {depth}, colour type {colourType}, interlace {interlace}: only 8-bit RGB(A), not interlaced, is read");
                }
            }
            else if (type == "IDAT")
            {
                compressed.Write(data);
            }

            at += 12 + length;
        }

        compressed.Position = 0;
        using var inflate = new ZLibStream(compressed, CompressionMode.Decompress);
        var stride = width * bytesPerPixel;
        var filtered = new byte[(stride + 1) * height];
        inflate.ReadExactly(filtered);
        return new PngPixels(width, height, bytesPerPixel, Unfilter(filtered, stride, height, bytesPerPixel));
    }

    // PNG's per-row filters (specification section 9): each row is stored as a difference to a prediction.
    private static byte[] Unfilter(byte[] filtered, int stride, int height, int bpp)
    {
        var rows = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = filtered[y * (stride + 1)];
            var source = filtered.AsSpan(y * (stride + 1) + 1, stride);
            var row = rows.AsSpan(y * stride, stride);
            var above = y > 0 ? rows.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var i = 0; i < stride; i++)
            {
                int left = i >= bpp ? row[i - bpp] : 0, up = above[i], upLeft = i >= bpp ? above[i - bpp] : 0;
                var prediction = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"unknown PNG filter {filter} in row {y}"),
                };
                row[i] = (byte)(source[i] + prediction);
            }
        }

        return rows;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
