using BlazorVault.Accounts;
using BlazorVault.Admin;
using BlazorVault.Admin.Pages;
using BlazorVault.Components.Layout;
using BlazorVault.Data;
using BlazorVault.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace BlazorVault.Tests.Admin;

/// <summary>The admin components over the real services and database (bUnit).</summary>
public sealed class AdminPageTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly VaultServices _vault;

    public AdminPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        _vault = VaultServices.Register(this);
        Services.AddIdentityCore<VaultUser>().AddEntityFrameworkStores<VaultDbContext>().AddDefaultTokenProviders();
        Services.AddAdmin((IConfiguration)Services.Single(d => d.ServiceType == typeof(IConfiguration)).ImplementationInstance!);
    }

    public async ValueTask InitializeAsync()
    {
        await _vault.InitializeAsync();
        await using var db = await DatabaseAsync();
        await db.Users.Where(u => u.Id == VaultServices.UserId).ExecuteUpdateAsync(set => set.SetProperty(u => u.IsAdmin, true));
        db.Users.Add(new VaultUser { Id = "bob-id", UserName = "bob", NormalizedUserName = "BOB", SecurityStamp = "stamp" });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Users_DisableFromTheManageDialog_DisablesTheAccountAndShowsIt()
    {
        var cut = Render<AdminUsers>();
        cut.WaitForElement("[data-testid=user-row][data-user=bob]", Wait);

        cut.Find("[data-testid=user-row][data-user=bob] [data-testid=manage-user]").Click();
        cut.Find("[data-testid=disable-user]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=user-row][data-user=bob] [data-testid=badge-disabled]")), Wait);
        Assert.Empty(cut.FindAll("[data-testid=manage-dialog]"));
        await using var db = await DatabaseAsync();
        Assert.NotNull(await db.Users.Where(u => u.Id == "bob-id").Select(u => u.DisabledAt).SingleAsync());
        Assert.Equal("disable", (await db.AuditLog.SingleAsync()).Action);
    }

    [Fact]
    public void Users_DisablingYourself_ShowsWhyInTheDialog()
    {
        var cut = Render<AdminUsers>();
        cut.WaitForElement("[data-testid=user-row][data-user=alice]", Wait);

        cut.Find("[data-testid=user-row][data-user=alice] [data-testid=manage-user]").Click();
        cut.Find("[data-testid=disable-user]").Click();

        cut.WaitForAssertion(() => Assert.Contains("cannot disable your own account", cut.Find("[data-testid=manage-error]").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public async Task Users_QuotaInGigabytes_IsSavedInBytes_AndABadValueIsExplained()
    {
        var cut = Render<AdminUsers>();
        cut.WaitForElement("[data-testid=user-row][data-user=bob]", Wait);
        cut.Find("[data-testid=user-row][data-user=bob] [data-testid=manage-user]").Click();

        cut.Find("[data-testid=quota-input]").Change("lots");
        cut.Find("[data-testid=quota-save]").Click();
        Assert.Contains("Give the quota in GB", cut.Find("[data-testid=manage-error]").TextContent, StringComparison.Ordinal);

        cut.Find("[data-testid=quota-input]").Change("2.5");
        cut.Find("[data-testid=quota-save]").Click();
        cut.WaitForAssertion(() => Assert.Contains("2.5 GB", cut.Find("[data-testid=user-row][data-user=bob]").TextContent, StringComparison.Ordinal), Wait);
        await using var db = await DatabaseAsync();
        Assert.Equal(2_500_000_000, await db.Users.Where(u => u.Id == "bob-id").Select(u => u.QuotaBytes).SingleAsync());
    }

    [Fact]
    public async Task AdminPages_ForAViewerWhoIsNoLongerAnAdmin_ShowNothing()
    {
        await using (var db = await DatabaseAsync())
        {
            await db.Users.Where(u => u.Id == VaultServices.UserId).ExecuteUpdateAsync(set => set.SetProperty(u => u.IsAdmin, false));
        }

        Assert.NotNull(Render<AdminUsers>().WaitForElement("[data-testid=admin-denied]", Wait));
        Assert.NotNull(Render<AdminOverview>().WaitForElement("[data-testid=admin-denied]", Wait));
        Assert.NotNull(Render<AdminAudit>().WaitForElement("[data-testid=admin-denied]", Wait));
        Assert.NotNull(Render<AdminRegistration>().WaitForElement("[data-testid=admin-denied]", Wait));
    }

    [Fact]
    public void Registration_CreateInvite_ShowsTheLinkOnceAndListsIt()
    {
        var cut = Render<AdminRegistration>();
        cut.WaitForElement("[data-testid=create-invite]", Wait);

        cut.Find("[data-testid=create-invite]").Click();

        cut.WaitForAssertion(() => Assert.Contains("/register?invite=", cut.Find("[data-testid=invite-link]").GetAttribute("value"), StringComparison.Ordinal), Wait);
        Assert.Single(cut.FindAll("[data-testid=invite-list] li"));
    }

    private Task<VaultDbContext> DatabaseAsync() => Services.GetRequiredService<IDbContextFactory<VaultDbContext>>().CreateDbContextAsync();
}

/// <summary>The nav's Admin item follows the admin policy.</summary>
public sealed class AdminNavMenuTests : BunitContext
{
    [Fact]
    public void NavMenu_ShowsAdmin_OnlyUnderTheAdminPolicy()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("alice");
        ComponentFactories.AddStub<BlazorVault.Notifications.NotificationBell>();
        Assert.Empty(Render<NavMenu>().FindAll("[data-testid=nav-admin]"));

        auth.SetPolicies(AdminExtensions.AdminPolicy);
        Assert.Single(Render<NavMenu>().FindAll("[data-testid=nav-admin]"));
    }
}
