using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations
{
    /// <inheritdoc />
    public partial class ShareResumeGrants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ShareResumeGrants",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LinkId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CountedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ResumeUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    SecretHash = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    ClientAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Sha256 = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareResumeGrants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareResumeGrants_ShareLinks_LinkId",
                        column: x => x.LinkId,
                        principalTable: "ShareLinks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ShareResumeGrants_LinkId_ResumeUntil",
                table: "ShareResumeGrants",
                columns: new[] { "LinkId", "ResumeUntil" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ShareResumeGrants");
        }
    }
}
