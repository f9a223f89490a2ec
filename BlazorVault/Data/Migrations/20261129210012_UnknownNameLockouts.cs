using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations
{
    /// <inheritdoc />
    public partial class UnknownNameLockouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UnknownNameLockouts",
                columns: table => new
                {
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    FailedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    LockoutEnd = table.Column<long>(type: "INTEGER", nullable: false),
                    LastFailureAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UnknownNameLockouts", x => x.NormalizedName);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UnknownNameLockouts_LastFailureAt",
                table: "UnknownNameLockouts",
                column: "LastFailureAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "UnknownNameLockouts");
        }
    }
}
