using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class LinkPasswordsAndAccessLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "PasswordFailures",
                table: "ShareLinks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "PasswordFailuresSince",
                table: "ShareLinks",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "PasswordHash",
                table: "ShareLinks",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PasswordVersion",
                table: "ShareLinks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "PausedUntil",
                table: "ShareLinks",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "ShareAccesses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LinkId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Network = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Browser = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareAccesses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareAccesses_ShareLinks_LinkId",
                        column: x => x.LinkId,
                        principalTable: "ShareLinks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ShareLinks_CreatedById_Id",
                table: "ShareLinks",
                columns: new[] { "CreatedById", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ShareAccesses_At",
                table: "ShareAccesses",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_ShareAccesses_LinkId_At",
                table: "ShareAccesses",
                columns: new[] { "LinkId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ShareAccesses");

            migrationBuilder.DropIndex(
                name: "IX_ShareLinks_CreatedById_Id",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "PasswordFailures",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "PasswordFailuresSince",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "PasswordHash",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "PasswordVersion",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "PausedUntil",
                table: "ShareLinks");
        }
    }
}
