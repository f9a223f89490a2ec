using System.Diagnostics.Metrics;
using System.Text;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BlazorVault.Tests.Sharing;

public abstract class ShareLinkServiceTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private FilesTestBed _bed = null!;
    private string _alice = null!;
    private string _bob = null!;
    private FileItem _file = null!;

    private ShareLinkService Links => _bed.Links;

    public async ValueTask InitializeAsync()
    {
        _bed = await FilesTestBed.CreateAsync(clock: _clock, provider: provider);
        _alice = await _bed.AddUserAsync("alice");
        _bob = await _bed.AddUserAsync("bob");
        var stored = await _bed.Files.UploadAsync(_alice, "report.pdf", "application/pdf", new MemoryStream(Encoding.UTF8.GetBytes("%PDF-1.7 hello")));
        _file = Assert.IsType<UploadResult.Stored>(stored).File;
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    private async Task<ShareLinkInfo> CreateAsync(TimeSpan? lifetime = null, int? maxDownloads = null)
    {
        var result = await Links.CreateAsync(_alice, _file.Id, lifetime, maxDownloads);
        return Assert.IsType<CreateLinkResult.Created>(result).Link;
    }

    [Fact]
    public async Task Create_MakesATokenNamingTheLinkAndFile()
    {
        var link = await CreateAsync(TimeSpan.FromHours(1), 3);

        var jwt = new JsonWebToken(link.Token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(["share"], jwt.Audiences);
        Assert.Equal(_file.Id.ToString(), jwt.Subject);
        Assert.Equal(link.Id.ToString(), jwt.Id);
        Assert.Equal(_clock.GetUtcNow().AddHours(1).UtcDateTime, jwt.ValidTo);
        Assert.Equal(3, link.MaxDownloads);

        var shared = await Links.PeekAsync(link.Token);
        Assert.NotNull(shared);
        Assert.Equal("report.pdf", shared.File.Name);
        Assert.Equal("alice", shared.SharedBy);
    }

    [Fact]
    public async Task Create_ByAnotherUser_FindsNoFile()
    {
        Assert.IsType<CreateLinkResult.FileNotFound>(await Links.CreateAsync(_bob, _file.Id, null, null));
        Assert.IsType<CreateLinkResult.FileNotFound>(await Links.CreateAsync(_alice, Guid.NewGuid(), null, null));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(-1, null)]
    [InlineData(24 * 31, null)]
    [InlineData(1, 0)]
    [InlineData(1, -5)]
    public async Task Create_WithAnOutOfRangeLifetimeOrLimit_IsInvalid(int hours, int? maxDownloads)
    {
        var result = await Links.CreateAsync(_alice, _file.Id, TimeSpan.FromHours(hours), maxDownloads);
        Assert.IsType<CreateLinkResult.Invalid>(result);
    }

    [Fact]
    public async Task Redeem_AfterExpiry_FindsNothing()
    {
        var link = await CreateAsync(TimeSpan.FromHours(1));
        Assert.NotNull(await Links.RedeemAsync(link.Token, ShareRequestKind.NewDownload));

        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        Assert.Null(await Links.PeekAsync(link.Token));
        Assert.Null(await Links.RedeemAsync(link.Token, ShareRequestKind.NewDownload));
    }

    [Fact]
    public async Task Redeem_AfterRevocation_FindsNothing()
    {
        var link = await CreateAsync();

        Assert.False(await Links.RevokeAsync(_bob, link.Id));
        Assert.NotNull(await Links.PeekAsync(link.Token));

        Assert.True(await Links.RevokeAsync(_alice, link.Id));
        Assert.Null(await Links.PeekAsync(link.Token));
        Assert.Null(await Links.RedeemAsync(link.Token, ShareRequestKind.NewDownload));
        Assert.Empty((await Links.ListActiveAsync(_alice, _file.Id))!);
    }

    [Fact]
    public async Task Redeem_WithOneDownloadLeftAndTenAtOnce_ServesExactlyOne()
    {
        var link = await CreateAsync(maxDownloads: 1);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            Task.Run(() => Links.RedeemAsync(link.Token, ShareRequestKind.NewDownload))));

        Assert.Single(results, r => r is not null);
        Assert.Null(await Links.PeekAsync(link.Token));
    }

    [Fact]
    public async Task Redeem_ARangeThatContinuesADownload_DoesNotCount()
    {
        var link = await CreateAsync(maxDownloads: 1);

        Assert.Null(await Links.RedeemAsync(link.Token, ShareRequestKind.Continuation));
        Assert.NotNull(await Links.RedeemAsync(link.Token, ShareRequestKind.NewDownload));
        Assert.NotNull(await Links.RedeemAsync(link.Token, ShareRequestKind.Continuation));
        Assert.Null(await Links.RedeemAsync(link.Token, ShareRequestKind.NewDownload));

        _clock.Advance(TimeSpan.FromHours(25));
        Assert.Null(await Links.RedeemAsync(link.Token, ShareRequestKind.Continuation));
    }

    [Fact]
    public async Task Redeem_ForHeadersOnly_DoesNotCountAndStopsOnceUsedUp()
    {
        var link = await CreateAsync(maxDownloads: 1);

        Assert.NotNull(await Links.RedeemAsync(link.Token, ShareRequestKind.HeadersOnly));
        Assert.NotNull(await Links.RedeemAsync(link.Token, ShareRequestKind.HeadersOnly));
        Assert.NotNull(await Links.RedeemAsync(link.Token, ShareRequestKind.NewDownload));

        _clock.Advance(TimeSpan.FromHours(25));
        Assert.Null(await Links.RedeemAsync(link.Token, ShareRequestKind.HeadersOnly));
    }

    [Fact]
    public async Task Redeem_AfterTheFileIsDeleted_FindsNothing()
    {
        var link = await CreateAsync();

        Assert.True(await _bed.Files.DeleteForeverAsync(_alice, _file.Id));

        Assert.Null(await Links.PeekAsync(link.Token));
        Assert.Null(await Links.RedeemAsync(link.Token, ShareRequestKind.NewDownload));
    }

    [Fact]
    public async Task Peek_WithATamperedSignature_FindsNothing()
    {
        var link = await CreateAsync();
        var parts = link.Token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[5] = signature[5] == 'A' ? 'B' : 'A';

        Assert.Null(await Links.PeekAsync($"{parts[0]}.{parts[1]}.{new string(signature)}"));
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("sub")]
    [InlineData("jti")]
    public async Task Peek_WithAnEditedPayloadAndTheOldSignature_FindsNothing(string claim)
    {
        var link = await CreateAsync(TimeSpan.FromHours(1));
        var other = await CreateAsync(TimeSpan.FromHours(2));
        var parts = link.Token.Split('.');
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
        payload[claim] = claim switch
        {
            "exp" => payload["exp"]!.GetValue<long>() + 86_400,
            "sub" => Guid.NewGuid().ToString(),
            _ => other.Id.ToString(),
        };

        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";

        Assert.Null(await Links.PeekAsync(forged));
        Assert.NotNull(await Links.PeekAsync(link.Token));
    }

    [Fact]
    public async Task Peek_WithAlgNone_FindsNothing()
    {
        var link = await CreateAsync();
        var payload = link.Token.Split('.')[1];
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");

        Assert.Null(await Links.PeekAsync($"{header}.{payload}."));
    }

    [Fact]
    public async Task Peek_WithAnApiAccessToken_FindsNothing()
    {
        var link = await CreateAsync();
        var apiKeys = new SigningKeyRing(
            ApiTokenService.Audience,
            _bed.Services.GetRequiredService<IDbContextFactory<VaultDbContext>>(),
            _clock,
            NullLogger<SigningKeyRing>.Instance,
            _bed.Services.GetRequiredService<IMeterFactory>());
        await apiKeys.InitializeAsync();
        var apiToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "BlazorVault",
            Audience = "api",
            Expires = _clock.GetUtcNow().AddHours(1).UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = _file.Id.ToString(), ["jti"] = link.Id.ToString() },
            SigningCredentials = new SigningCredentials(apiKeys.Current, SecurityAlgorithms.HmacSha256),
        });

        Assert.Null(await Links.PeekAsync(apiToken));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    public async Task Peek_WithGarbage_FindsNothing(string? token) =>
        Assert.Null(await Links.PeekAsync(token));

    [Fact]
    public async Task Rotation_KeepsOldLinksWorkingAndSignsNewOnesWithTheNewKey()
    {
        var before = await CreateAsync();
        var ring = _bed.Services.GetRequiredKeyedService<SigningKeyRing>(LinkTokenService.Audience);

        ring.Rotate(TimeSpan.FromDays(30));
        var after = await CreateAsync();

        Assert.NotEqual(new JsonWebToken(before.Token).Kid, new JsonWebToken(after.Token).Kid);
        Assert.NotNull(await Links.PeekAsync(before.Token));
        Assert.NotNull(await Links.PeekAsync(after.Token));
    }

    [Fact]
    public async Task Rotation_DropsAKeyOnceTheLongestLinkItSignedHasExpired()
    {
        var before = await CreateAsync(TimeSpan.FromDays(1));
        var ring = _bed.Services.GetRequiredKeyedService<SigningKeyRing>(LinkTokenService.Audience);
        ring.Rotate(TimeSpan.FromDays(30));

        _clock.Advance(TimeSpan.FromDays(31));
        ring.Rotate(TimeSpan.FromDays(30));

        Assert.Equal(2, ring.ValidationKeys.Count);
        Assert.DoesNotContain(ring.ValidationKeys, k => k.KeyId == new JsonWebToken(before.Token).Kid);
    }

    [Fact]
    public async Task ListActive_ShowsOnlyWorkingLinksAndOnlyToTheOwner()
    {
        var active = await CreateAsync(maxDownloads: 2);
        var used = await CreateAsync(maxDownloads: 1);
        await Links.RedeemAsync(used.Token, ShareRequestKind.NewDownload);
        var revoked = await CreateAsync();
        await Links.RevokeAsync(_alice, revoked.Id);

        var links = await Links.ListActiveAsync(_alice, _file.Id);

        Assert.Equal([active.Id], links!.Select(l => l.Id));
        Assert.Null(await Links.ListActiveAsync(_bob, _file.Id));
    }

    public sealed class OnSqlite() : ShareLinkServiceTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : ShareLinkServiceTests(DatabaseProvider.PostgreSql);
}
