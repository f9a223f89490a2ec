using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations
{
    /// <inheritdoc />
    public partial class ShortShareLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PublicId",
                table: "ShareLinks",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            // Links handed out before short URLs get an unguessable id too (randomblob draws on SQLite's CSPRNG), in hex;
            // their old URLs, whole tokens, keep working beside the short ones.
            migrationBuilder.Sql(@"UPDATE ""ShareLinks"" SET ""PublicId"" = lower(hex(randomblob(16)));");

            migrationBuilder.CreateIndex(
                name: "IX_ShareLinks_PublicId",
                table: "ShareLinks",
                column: "PublicId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ShareLinks_PublicId",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "PublicId",
                table: "ShareLinks");
        }
    }
}
