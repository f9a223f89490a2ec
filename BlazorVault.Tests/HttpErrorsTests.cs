using System.Net;
using BlazorVault.Tests.Files;
using BlazorVault.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Storage;
using BlazorVault.Tests.Files.Uploads;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;

namespace BlazorVault.Tests;

/// <summary>Fails a GET of <c>/boom</c> or <c>/api/boom</c>, as a bug deep in a handler would.</summary>
public sealed class BoomAfterTheApp : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        // Runs where no endpoint answered, inside the app's error handling.
        app.Run(context =>
        {
            if (context.Request.Path.Value is "/boom" or "/api/boom")
            {
                throw new InvalidOperationException("boom");
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    };
}

/// <summary>Resumable staging with a bug: every PATCH of an upload fails.</summary>
public sealed class BrokenStaging(IResumableStaging inner) : IResumableStaging
{
    public Task<IResumableBlob> OpenAsync(string id, long acknowledged, string? stamp, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("boom");

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => inner.DeleteAsync(id, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
}

/// <summary>A password check with a bug: it fails for the password <see cref="Boom"/>.</summary>
public sealed class BrokenPasswordCheck(BcryptPasswordHasher inner) : IPasswordHasher<VaultUser>
{
    public const string Boom = "boom boom boom";

    public string HashPassword(VaultUser user, string password) => inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(VaultUser user, string hashedPassword, string providedPassword) =>
        providedPassword == Boom ? throw new InvalidOperationException("boom") : inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
}

/// <summary>The pipeline is the same on every database: these run on the default one.</summary>
public sealed class BoomVaultApp() : VaultAppFixture(DatabaseProvider.Sqlite)
{
    // As a published app runs: without the build's static-file fallback route ({**path:file} for GET and
    // HEAD), which answers HEAD of any path with a dot in it (a share link's token) in its own way.
    protected override VaultApp Start() => new(
        settings: new Dictionary<string, string?> { ["EnableStaticAssetsDevelopmentIntegration"] = "false" },
        services: Break,
        database: TestDatabase.Create(DatabaseProvider.Sqlite));

    private static void Break(IServiceCollection services)
    {
        services.AddTransient<IStartupFilter, BoomAfterTheApp>();
        var staging = services.Last(d => d.ServiceType == typeof(IResumableStaging));
        services.AddSingleton<IResumableStaging>(sp => new BrokenStaging((IResumableStaging)staging.ImplementationFactory!(sp)));
        services.AddScoped<BcryptPasswordHasher>();
        services.AddScoped<IPasswordHasher<VaultUser>, BrokenPasswordCheck>();
    }
}

public sealed class HttpErrorsTests(BoomVaultApp shared) : IClassFixture<BoomVaultApp>
{
    private VaultApp App => shared.App;

    [Theory]
    [InlineData("s/not-a-token")]
    [InlineData("s/not-a-token/download")]
    [InlineData("no/such/page")]
    [InlineData("api/no/such/thing")]
    public async Task Head_OfWhatIs404ForAGet_Is404(string path)
    {
        using var client = App.CreateBrowserClient();

        using var get = await client.GetAsync(path);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_OfARevokedLink_Is404_AndOfAWorkingOne_IsItsGetWithoutTheBody()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var file = await alice.UploadAsync("a.txt", [1, 2, 3]);
        using var created = await alice.Api.PostAsJsonAsync($"api/files/{file.Id}/links", new { });
        var link = await created.Content.ReadFromJsonAsync<LinkBody>();
        using var visitor = App.CreateBrowserClient();

        using (var head = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Head, link!.Url)))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal("text/html", head.Content.Headers.ContentType?.MediaType);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(HttpStatusCode.NoContent, (await alice.Api.DeleteAsync($"api/links/{link.Id}")).StatusCode);

        foreach (var path in new[] { link.Url, link.Url + "/download" })
        {
            using var head = await visitor.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        }
    }

    [Fact]
    public async Task Failure_OfATusPatch_Is500ProblemJson_Not405()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        var path = await alice.Api.CreateUploadAsync(10);

        using var response = await alice.Api.PatchAsync(path, 0, new byte[10]);

        await AssertProblemAsync(response, HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task Failure_OfAnApiGet_Is500ProblemJson_NeverAPage()
    {
        using var client = App.CreateBrowserClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/boom");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task Failure_OfAFormPost_IsNotReplayedAgainstThePages()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        using var browser = App.CreateBrowserClient();

        using var signIn = await browser.SignInAsync(alice.UserName, BrokenPasswordCheck.Boom);

        // Replayed as POST /error, the page would answer 400 (no antiforgery token for it) or 405.
        await AssertProblemAsync(signIn, HttpStatusCode.InternalServerError);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Failure_OfABrowsersPageLoad_ShowsTheErrorPage()
    {
        using var client = App.CreateBrowserClient();

        using var response = await client.GetAsync("boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Something went wrong", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiErrors_WithoutABody_AreProblemJson()
    {
        using var alice = await FilesTestClient.CreateAsync(App);
        using var anonymous = new HttpClient { BaseAddress = App.BaseAddress };

        using var notFound = await alice.Api.GetAsync($"api/files/{Guid.NewGuid()}");
        using var unauthorized = await anonymous.GetAsync("api/files");
        using var wrongMethod = await alice.Api.PutAsync("api/files", new ByteArrayContent([1]));

        await AssertProblemAsync(notFound, HttpStatusCode.NotFound);
        await AssertProblemAsync(unauthorized, HttpStatusCode.Unauthorized);
        await AssertProblemAsync(wrongMethod, HttpStatusCode.MethodNotAllowed);
    }

    private sealed record LinkBody(Guid Id, string Url);
}
