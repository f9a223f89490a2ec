using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations
{
    /// <inheritdoc />
    public partial class LinkKinds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "FileId",
                table: "ShareLinks",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<long>(
                name: "BytesReceived",
                table: "ShareLinks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "FilesReceived",
                table: "ShareLinks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "FolderId",
                table: "ShareLinks",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Kind",
                table: "ShareLinks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "MaxBytes",
                table: "ShareLinks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxFiles",
                table: "ShareLinks",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ShareLinks_FolderId",
                table: "ShareLinks",
                column: "FolderId");

            migrationBuilder.AddForeignKey(
                name: "FK_ShareLinks_Folders_FolderId",
                table: "ShareLinks",
                column: "FolderId",
                principalTable: "Folders",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ShareLinks_Folders_FolderId",
                table: "ShareLinks");

            migrationBuilder.DropIndex(
                name: "IX_ShareLinks_FolderId",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "BytesReceived",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "FilesReceived",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "FolderId",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "MaxBytes",
                table: "ShareLinks");

            migrationBuilder.DropColumn(
                name: "MaxFiles",
                table: "ShareLinks");

            migrationBuilder.AlterColumn<Guid>(
                name: "FileId",
                table: "ShareLinks",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
