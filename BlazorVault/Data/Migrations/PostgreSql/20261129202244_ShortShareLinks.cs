using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations.PostgreSql
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
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            // Links handed out before short URLs get an unguessable id too (gen_random_uuid: 122 bits from PostgreSQL's strong random source), in hex;
            // their old URLs, whole tokens, keep working beside the short ones.
            migrationBuilder.Sql(@"UPDATE ""ShareLinks"" SET ""PublicId"" = replace(gen_random_uuid()::text, '-', '');");

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
