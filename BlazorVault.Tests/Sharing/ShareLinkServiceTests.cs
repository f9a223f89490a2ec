using System.Diagnostics.Metrics;
using System.Text;
using BlazorVault.Accounts;
using BlazorVault.Data;
using BlazorVault.Files;
using BlazorVault.Sharing;
using BlazorVault.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

    private static readonly ShareClient Visitor = new("192.0.2.1");
    private static readonly ShareClient Stranger = new("192.0.2.99");
    private static readonly DownloadRequest Get = new();
    private static readonly DownloadRequest Head = new(HeadersOnly: true);

    private ShareLinkService Links => _bed.Links;

    private Task<RedeemedDownload?> RedeemAsync(string token, DownloadRequest? request = null, ShareClient? client = null) =>
        Links.RedeemAsync(token, request ?? Get, client ?? Visitor);

    /// <summary>The long token of a link handed out before short URLs.</summary>
    private string Token(ShareLinkInfo link) => LegacyLinkTokens.Create(_bed.Services, link);

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
    public async Task Create_GivesAShortRandomId_AndItsDownloadGrantNamesTheLinkAndFileForAShortTime()
    {
        var link = await CreateAsync(TimeSpan.FromHours(1), 3);
        var another = await CreateAsync(TimeSpan.FromHours(1), 3);

        // 128 random bits in base64url.
        Assert.Matches("^[A-Za-z0-9_-]{22}$", link.PublicId);
        Assert.NotEqual(link.PublicId, another.PublicId);
        Assert.Equal(3, link.MaxDownloads);
        var shared = await Links.PeekAsync(link.PublicId);
        Assert.NotNull(shared);
        Assert.Equal("report.pdf", shared.File.Name);
        Assert.Equal("alice", shared.SharedBy);

        var grant = await Links.GrantDownloadAsync(link.PublicId, Get, Visitor);
        var jwt = new JsonWebToken(grant);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(["share"], jwt.Audiences);
        Assert.Equal(_file.Id.ToString(), jwt.Subject);
        Assert.Equal(link.Id.ToString(), jwt.Id);
        Assert.Equal("download", jwt.GetClaim("use").Value);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(30).UtcDateTime, jwt.ValidTo);
        Assert.Equal(0, (await Links.PeekAsync(link.PublicId))!.Link.Downloads);

        Assert.NotNull(await Links.RedeemAsync(grant, Get, Visitor, link.PublicId));
        // Through another link's URL, or once it has run out, the grant is worth nothing.
        Assert.Null(await Links.RedeemAsync(grant, Get, Visitor, another.PublicId));
        _clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(await Links.RedeemAsync(grant, Get, Visitor, link.PublicId));
        Assert.NotNull(await Links.GrantDownloadAsync(link.PublicId, Get, Visitor));
    }

    [Fact]
    public async Task Grant_IsNeverLongerThanTheLink_AndAnOldLinksTokenIsNoGrantForItsShortUrl()
    {
        var link = await CreateAsync(TimeSpan.FromMinutes(10));

        var grant = new JsonWebToken(await Links.GrantDownloadAsync(link.PublicId, Get, Visitor));

        Assert.Equal(link.ExpiresAt.UtcDateTime, grant.ValidTo);
        Assert.Null(await Links.RedeemAsync(Token(link), Get, Visitor, link.PublicId));
        Assert.NotNull(await Links.RedeemAsync(Token(link), Get, Visitor));
    }

    [Fact]
    public async Task Grant_OfAUsedUpLink_GoesOnlyToTheClientWhoseDownloadItContinues()
    {
        var link = await CreateAsync(maxDownloads: 1);
        var counted = await Links.RedeemAsync(await Links.GrantDownloadAsync(link.PublicId, Get, Visitor), Get, Visitor, link.PublicId);
        Assert.NotNull(counted?.ResumeSecret);

        Assert.Null(await Links.GrantDownloadAsync(link.PublicId, Get, Stranger));
        Assert.Null(await Links.PeekAsync(link.PublicId));
        var holder = new ShareClient("198.51.100.7", counted.ResumeSecret);
        var rest = new DownloadRequest(Range: "bytes=5-");
        // The whole file again would count, and there is nothing left to count: the same 404 as anyone's.
        Assert.Null(await Links.GrantDownloadAsync(link.PublicId, Get, holder));
        Assert.Null(await Links.GrantDownloadAsync(link.PublicId, Get, Visitor));
        var resume = await Links.GrantDownloadAsync(link.PublicId, rest, holder);
        Assert.NotNull(await Links.RedeemAsync(resume, rest, holder, link.PublicId));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("short")]
    [InlineData("has/slash/aaaaaaaaaaaaaa")]
    public async Task Grant_ForAnIdThatNamesNoLink_IsRefused(string? id) =>
        Assert.Null(await Links.GrantDownloadAsync(id, Get, Visitor));

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
        Assert.NotNull(await RedeemAsync(Token(link)));

        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        Assert.Null(await Links.PeekAsync(Token(link)));
        Assert.Null(await RedeemAsync(Token(link)));
    }

    [Fact]
    public async Task Redeem_AfterRevocation_FindsNothing()
    {
        var link = await CreateAsync();

        Assert.False(await Links.RevokeAsync(_bob, link.Id));
        Assert.NotNull(await Links.PeekAsync(Token(link)));

        Assert.True(await Links.RevokeAsync(_alice, link.Id));
        Assert.Null(await Links.PeekAsync(Token(link)));
        Assert.Null(await RedeemAsync(Token(link)));
        Assert.Empty((await Links.ListAsync(_alice, _file.Id))!);
    }

    [Fact]
    public async Task Redeem_WithOneDownloadLeftAndTenAtOnce_ServesExactlyOne()
    {
        var link = await CreateAsync(maxDownloads: 1);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => RedeemAsync(Token(link), client: new ShareClient($"192.0.2.{i}")))));

        Assert.Single(results, r => r is not null);
        Assert.Null(await Links.PeekAsync(Token(link)));
    }

    [Fact]
    public async Task Redeem_WithFiveLeftAndSixtyAtOnce_CountedInGroups_ServesExactlyFive_EachWithItsGrant()
    {
        var link = await CreateAsync(maxDownloads: 5);

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            Task.Run(() => RedeemAsync(Token(link), client: new ShareClient($"198.51.100.{i}")))));

        var served = results.Where(r => r is not null).ToList();
        Assert.Equal(5, served.Count);
        Assert.All(served, r => Assert.NotNull(r!.ResumeSecret));
        await using var db = await _bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Equal(5, (await db.ShareLinks.SingleAsync(l => l.Id == link.Id, TestContext.Current.CancellationToken)).Downloads);
        Assert.Equal(5, await db.ShareResumeGrants.CountAsync(g => g.LinkId == link.Id, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Redeem_ARangeFromTheClientThatDownloaded_ContinuesWithoutCountingWithinTheResumeWindow()
    {
        var link = await CreateAsync(maxDownloads: 1);
        var rest = new DownloadRequest(Range: "bytes=5-");

        var counted = await RedeemAsync(Token(link));
        Assert.Equal(DownloadAnswer.Full, counted!.Plan.Answer);
        Assert.NotNull(counted.ResumeSecret);

        var resumed = await RedeemAsync(Token(link), rest);
        Assert.Equal((DownloadAnswer.Partial, 5L, 13L, null), (resumed!.Plan.Answer, resumed.Plan.From, resumed.Plan.To, resumed.ResumeSecret));
        Assert.NotNull(await RedeemAsync(Token(link), rest, new ShareClient("198.51.100.7", counted.ResumeSecret)));
        Assert.Null(await RedeemAsync(Token(link), rest, Stranger));
        Assert.Null(await RedeemAsync(Token(link), rest, new ShareClient("198.51.100.7", "not-the-secret")));
        // The whole file again is a new download, and there is none left.
        Assert.Null(await RedeemAsync(Token(link)));

        _clock.Advance(TimeSpan.FromHours(25));
        Assert.Null(await RedeemAsync(Token(link), rest));
        Assert.Null(await RedeemAsync(Token(link), rest, new ShareClient(null, counted.ResumeSecret)));
    }

    [Fact]
    public async Task Redeem_ARangeFromAnotherClient_StartsADownloadAndCounts()
    {
        var link = await CreateAsync(maxDownloads: 1);

        var started = await RedeemAsync(Token(link), new DownloadRequest(Range: "bytes=5-"), Stranger);

        Assert.NotNull(started!.ResumeSecret);
        Assert.Null(await Links.PeekAsync(Token(link)));
        Assert.Null(await RedeemAsync(Token(link), new DownloadRequest(Range: "bytes=5-"), Visitor));
        Assert.NotNull(await RedeemAsync(Token(link), new DownloadRequest(Range: "bytes=9-"), Stranger));
    }

    [Theory]
    [InlineData("bytes=1-1,3-3", null)]
    [InlineData("bytes=1-1, 3-3", null)]
    [InlineData("items=1-3", null)]
    [InlineData("bytes=x-", null)]
    [InlineData("bytes=5-", "\"0000\"")]
    [InlineData("bytes=5-", "W/\"0000\"")]
    public async Task Redeem_ARangeThatIsAnsweredInFull_CountsEvenForTheClientThatDownloaded(string range, string? ifRange)
    {
        var link = await CreateAsync(maxDownloads: 2);
        var request = new DownloadRequest(Range: range, IfRange: ifRange);

        Assert.Equal(DownloadAnswer.Full, (await RedeemAsync(Token(link), request))!.Plan.Answer);
        Assert.Equal(DownloadAnswer.Full, (await RedeemAsync(Token(link), request))!.Plan.Answer);

        Assert.Null(await RedeemAsync(Token(link), request));
        Assert.Null(await Links.PeekAsync(Token(link)));
    }

    [Fact]
    public async Task Redeem_NotModifiedAnswersAndFirstByteProbes_DoNotCount()
    {
        var link = await CreateAsync(maxDownloads: 1);
        var current = new DownloadRequest(IfNoneMatch: $"\"{_file.Sha256}\"");
        var probe = new DownloadRequest(Range: "bytes=0-0");

        Assert.Equal(DownloadAnswer.NotModified, (await RedeemAsync(Token(link), current))!.Plan.Answer);
        Assert.True((await RedeemAsync(Token(link), probe))!.Plan.IsProbe);
        Assert.Equal(DownloadAnswer.RangeNotSatisfiable, (await RedeemAsync(Token(link), new DownloadRequest(Range: "bytes=900-")))!.Plan.Answer);
        Assert.NotNull(await Links.PeekAsync(Token(link)));

        Assert.NotNull(await RedeemAsync(Token(link)));

        Assert.NotNull(await RedeemAsync(Token(link), current));
        Assert.Null(await RedeemAsync(Token(link), current, Stranger));
        Assert.Null(await RedeemAsync(Token(link), probe, Stranger));
    }

    [Fact]
    public async Task Redeem_ForHeadersOnly_DoesNotCountAndStopsOnceUsedUp()
    {
        var link = await CreateAsync(maxDownloads: 1);

        Assert.NotNull(await RedeemAsync(Token(link), Head, Stranger));
        Assert.NotNull(await RedeemAsync(Token(link), Head, Stranger));
        Assert.NotNull(await RedeemAsync(Token(link)));

        Assert.NotNull(await RedeemAsync(Token(link), Head));
        Assert.Null(await RedeemAsync(Token(link), Head, Stranger));
        _clock.Advance(TimeSpan.FromHours(25));
        Assert.Null(await RedeemAsync(Token(link), Head));
    }

    [Fact]
    public async Task Redeem_OfALinkWithoutALimit_CountsDownloadsFromTheFirstByte_InMemoryUntilTheNextFlush()
    {
        var link = await CreateAsync();
        var tally = _bed.Services.GetRequiredService<DownloadTally>();

        Assert.Null((await RedeemAsync(Token(link)))!.ResumeSecret);
        Assert.NotNull(await RedeemAsync(Token(link), client: Stranger));
        Assert.NotNull(await RedeemAsync(Token(link), new DownloadRequest(Range: "bytes=0-")));
        // Continuations, probes, HEAD and 304s are served and not counted; with no limit no grant tells them apart.
        Assert.NotNull(await RedeemAsync(Token(link), new DownloadRequest(Range: "bytes=5-"), Stranger));
        Assert.NotNull(await RedeemAsync(Token(link), new DownloadRequest(Range: "bytes=0-0")));
        Assert.NotNull(await RedeemAsync(Token(link), Head));
        Assert.NotNull(await RedeemAsync(Token(link), new DownloadRequest(IfNoneMatch: $"\"{_file.Sha256}\"")));

        Assert.Equal(3, tally.PendingFor(link.Id));
        await using var db = await _bed.Db.CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, (await db.ShareLinks.AsNoTracking().SingleAsync(l => l.Id == link.Id, TestContext.Current.CancellationToken)).Downloads);
        Assert.Equal(0, await db.ShareResumeGrants.CountAsync(TestContext.Current.CancellationToken));
        // What the owner reads counts them already.
        Assert.Equal(3, (await Links.PeekAsync(link.PublicId))!.Link.Downloads);

        await tally.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, (await Links.PeekAsync(link.PublicId))!.Link.Downloads);
        Assert.Equal(0, tally.PendingFor(link.Id));
        Assert.Equal(_clock.GetUtcNow(), (await db.ShareLinks.SingleAsync(l => l.Id == link.Id, TestContext.Current.CancellationToken)).LastDownloadAt);
    }

    [Fact]
    public async Task Tally_CountedFromManyThreadsWhileItFlushes_WritesEveryDownloadOnce()
    {
        var link = await CreateAsync();
        var tally = _bed.Services.GetRequiredService<DownloadTally>();
        using var done = new CancellationTokenSource();

        var flushing = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await tally.FlushAsync(CancellationToken.None);
            }
        }, TestContext.Current.CancellationToken);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                tally.Add(link.Id, _clock.GetUtcNow());
            }
        }, TestContext.Current.CancellationToken)));
        await done.CancelAsync();
        await flushing;
        await tally.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(16_000, (await Links.PeekAsync(link.PublicId))!.Link.Downloads);
    }

    [Fact]
    public async Task TallyWriter_AtShutdown_WritesWhatWasCounted()
    {
        var link = await CreateAsync();
        var tally = _bed.Services.GetRequiredService<DownloadTally>();
        var writer = new DownloadTallyWriter(tally, _clock, NullLogger<DownloadTallyWriter>.Instance);
        await writer.StartAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(await RedeemAsync(Token(link)));
        await writer.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, (await Links.PeekAsync(link.PublicId))!.Link.Downloads);
    }

    [Fact]
    public async Task Redeem_AfterTheFileIsDeleted_FindsNothing()
    {
        var link = await CreateAsync();

        Assert.True(await _bed.Files.DeleteForeverAsync(_alice, _file.Id));

        Assert.Null(await Links.PeekAsync(Token(link)));
        Assert.Null(await RedeemAsync(Token(link)));
    }

    [Fact]
    public async Task Peek_WithATamperedSignature_FindsNothing()
    {
        var link = await CreateAsync();
        var parts = Token(link).Split('.');
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
        var parts = Token(link).Split('.');
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
        payload[claim] = claim switch
        {
            "exp" => payload["exp"]!.GetValue<long>() + 86_400,
            "sub" => Guid.NewGuid().ToString(),
            _ => other.Id.ToString(),
        };

        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";

        Assert.Null(await Links.PeekAsync(forged));
        Assert.NotNull(await Links.PeekAsync(Token(link)));
    }

    [Fact]
    public async Task Peek_WithAlgNone_FindsNothing()
    {
        var link = await CreateAsync();
        var payload = Token(link).Split('.')[1];
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
        var before = Token(await CreateAsync());
        var link = await CreateAsync();
        var grantBefore = await Links.GrantDownloadAsync(link.PublicId, Get, Visitor);
        var ring = _bed.Services.GetRequiredKeyedService<SigningKeyRing>(LinkTokenService.Audience);

        ring.Rotate(TimeSpan.FromDays(30));
        var after = Token(await CreateAsync());
        var grantAfter = await Links.GrantDownloadAsync(link.PublicId, Get, Visitor);

        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
        Assert.NotEqual(new JsonWebToken(grantBefore).Kid, new JsonWebToken(grantAfter).Kid);
        Assert.NotNull(await Links.PeekAsync(before));
        Assert.NotNull(await Links.PeekAsync(after));
        Assert.NotNull(await Links.RedeemAsync(grantBefore, Head, Visitor, link.PublicId));
    }

    [Fact]
    public async Task Rotation_DropsAKeyOnceTheLongestLinkItSignedHasExpired()
    {
        var before = Token(await CreateAsync(TimeSpan.FromDays(1)));
        var ring = _bed.Services.GetRequiredKeyedService<SigningKeyRing>(LinkTokenService.Audience);
        ring.Rotate(TimeSpan.FromDays(30));

        _clock.Advance(TimeSpan.FromDays(31));
        ring.Rotate(TimeSpan.FromDays(30));

        Assert.Equal(2, ring.ValidationKeys.Count);
        Assert.DoesNotContain(ring.ValidationKeys, k => k.KeyId == new JsonWebToken(before).Kid);
    }

    [Fact]
    public async Task List_ShowsUsedUpAndExpiredLinksMarked_NotRevokedOnes_AndOnlyToTheOwner()
    {
        var expired = await CreateAsync(TimeSpan.FromHours(1));
        _clock.Advance(TimeSpan.FromHours(2));
        var active = await CreateAsync(maxDownloads: 2);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var used = await CreateAsync(maxDownloads: 1);
        await RedeemAsync(Token(used));
        var revoked = await CreateAsync();
        await Links.RevokeAsync(_alice, revoked.Id);

        var links = await Links.ListAsync(_alice, _file.Id);

        Assert.Equal([(used.Id, LinkState.UsedUp), (active.Id, LinkState.Active), (expired.Id, LinkState.Expired)], links!.Select(l => (l.Id, l.State)));
        Assert.Equal(0, links![0].DownloadsLeft);
        Assert.Null(await Links.ListAsync(_bob, _file.Id));
    }

    public sealed class OnSqlite() : ShareLinkServiceTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgreSql() : ShareLinkServiceTests(DatabaseProvider.PostgreSql);
}
