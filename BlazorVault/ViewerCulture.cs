using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace BlazorVault;

/// <summary>
/// Numbers, dates and times in the viewer's own formats (24-hour or not, decimal comma or point): the culture
/// the browser asks for in Accept-Language, for pages and for the circuit, whose connection request carries the
/// same header. The words stay English. The API keeps the server's culture: its clients read JSON, not prose.
/// </summary>
public static class ViewerCulture
{
    public static IApplicationBuilder UseViewerCulture(this IApplicationBuilder app)
    {
        var server = CultureInfo.CurrentCulture;
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(server, CultureInfo.CurrentUICulture),
            SupportedCultures = [.. CultureInfo.GetCultures(CultureTypes.AllCultures).Where(c => c.Name.Length > 0)],
            // No translations: the interface's language stays the server's whatever the browser prefers.
            SupportedUICultures = [CultureInfo.CurrentUICulture],
            RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()],
        };
        return app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api"), branch => branch.UseRequestLocalization(options));
    }
}
