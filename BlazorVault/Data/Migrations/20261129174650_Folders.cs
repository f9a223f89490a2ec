using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations
{
    /// <inheritdoc />
    public partial class Folders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Files_OwnerId_Name",
                table: "Files");

            migrationBuilder.AddColumn<string>(
                name: "Conflict",
                table: "Uploads",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "FolderId",
                table: "Uploads",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RelativePath",
                table: "Uploads",
                type: "TEXT",
                maxLength: 20000,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "FolderId",
                table: "Files",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NameKey",
                table: "Files",
                type: "TEXT",
                maxLength: 295,
                nullable: false,
                defaultValue: "");

            // Unique stand-ins until the start-up backfill (TreeBackfill) folds each name in C# and numbers
            // the duplicates a flat list allowed: no real key holds a control character.
            migrationBuilder.Sql("UPDATE \"Files\" SET \"NameKey\" = char(1) || \"Id\";");

            migrationBuilder.AddColumn<Guid>(
                name: "TrashId",
                table: "Files",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TrashedAt",
                table: "Files",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TrashedFrom",
                table: "Files",
                type: "TEXT",
                maxLength: 20000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "FileVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FileId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReplacedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FileVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FileVersions_Files_FileId",
                        column: x => x.FileId,
                        principalTable: "Files",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Folders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    ParentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    NameKey = table.Column<string>(type: "TEXT", maxLength: 295, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TrashId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TrashedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    TrashedFrom = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Folders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Folders_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Folders_Folders_ParentId",
                        column: x => x.ParentId,
                        principalTable: "Folders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Files_FolderId",
                table: "Files",
                column: "FolderId");

            migrationBuilder.CreateIndex(
                name: "IX_Files_OwnerId_FolderId_NameKey",
                table: "Files",
                columns: new[] { "OwnerId", "FolderId", "NameKey" },
                unique: true,
                filter: "\"TrashId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Files_OwnerId_TrashId",
                table: "Files",
                columns: new[] { "OwnerId", "TrashId" });

            migrationBuilder.CreateIndex(
                name: "IX_FileVersions_FileId_Id",
                table: "FileVersions",
                columns: new[] { "FileId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_FileVersions_Sha256",
                table: "FileVersions",
                column: "Sha256");

            migrationBuilder.CreateIndex(
                name: "IX_Folders_OwnerId_ParentId_NameKey",
                table: "Folders",
                columns: new[] { "OwnerId", "ParentId", "NameKey" },
                unique: true,
                filter: "\"TrashId\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Folders_OwnerId_TrashId",
                table: "Folders",
                columns: new[] { "OwnerId", "TrashId" });

            migrationBuilder.CreateIndex(
                name: "IX_Folders_ParentId",
                table: "Folders",
                column: "ParentId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FileVersions");

            migrationBuilder.DropTable(
                name: "Folders");

            migrationBuilder.DropIndex(
                name: "IX_Files_FolderId",
                table: "Files");

            migrationBuilder.DropIndex(
                name: "IX_Files_OwnerId_FolderId_NameKey",
                table: "Files");

            migrationBuilder.DropIndex(
                name: "IX_Files_OwnerId_TrashId",
                table: "Files");

            migrationBuilder.DropColumn(
                name: "Conflict",
                table: "Uploads");

            migrationBuilder.DropColumn(
                name: "FolderId",
                table: "Uploads");

            migrationBuilder.DropColumn(
                name: "RelativePath",
                table: "Uploads");

            migrationBuilder.DropColumn(
                name: "FolderId",
                table: "Files");

            migrationBuilder.DropColumn(
                name: "NameKey",
                table: "Files");

            migrationBuilder.DropColumn(
                name: "TrashId",
                table: "Files");

            migrationBuilder.DropColumn(
                name: "TrashedAt",
                table: "Files");

            migrationBuilder.DropColumn(
                name: "TrashedFrom",
                table: "Files");

            migrationBuilder.CreateIndex(
                name: "IX_Files_OwnerId_Name",
                table: "Files",
                columns: new[] { "OwnerId", "Name" });
        }
    }
}
