using System.Text;
using ActorConnect.Api.Data;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>Headers to and from Kafka bytes in the string form of Kafka Connect's SimpleHeaderConverter.</summary>
internal static class HeaderBytes
{
    public static IReadOnlyList<KeyValuePair<string, byte[]?>>? ToKafka(ConnectHeaders headers)
    {
        if (headers.Count == 0)
        {
            return null;
        }

        var list = new List<KeyValuePair<string, byte[]?>>(headers.Count);
        foreach (var h in headers)
        {
            list.Add(new(h.Key, h.Value switch
            {
                null => null,
                byte[] b => b,
                bool b => Encoding.UTF8.GetBytes(b ? "true" : "false"),
                IFormattable f => Encoding.UTF8.GetBytes(f.ToString(null, System.Globalization.CultureInfo.InvariantCulture)),
                var v => Encoding.UTF8.GetBytes(v.ToString() ?? string.Empty),
            }));
        }

        return list;
    }

    public static ConnectHeaders FromKafka(IReadOnlyList<KeyValuePair<string, byte[]?>>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return ConnectHeaders.Empty;
        }

        return new ConnectHeaders(headers.Select(h => new Header(h.Key, Schema.OptionalStringSchema, h.Value is null ? null : Encoding.UTF8.GetString(h.Value))));
    }
}
