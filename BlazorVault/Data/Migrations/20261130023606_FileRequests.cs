using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations
{
    /// <inheritdoc />
    public partial class FileRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ShareLinkId",
                table: "Uploads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VisitorKey",
                table: "Uploads",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Uploads_ShareLinkId",
                table: "Uploads",
                column: "ShareLinkId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Uploads_ShareLinkId",
                table: "Uploads");

            migrationBuilder.DropColumn(
                name: "ShareLinkId",
                table: "Uploads");

            migrationBuilder.DropColumn(
                name: "VisitorKey",
                table: "Uploads");
        }
    }
}
