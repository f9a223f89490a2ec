using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations.PostgreSql
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
                    NormalizedName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    FailedCount = table.Column<int>(type: "integer", nullable: false),
                    LockoutEnd = table.Column<long>(type: "bigint", nullable: false),
                    LastFailureAt = table.Column<long>(type: "bigint", nullable: false)
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
