using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ChildCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RootFileCount",
                table: "Usage",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "RootFolderCount",
                table: "Usage",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "FileCount",
                table: "Folders",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "FolderCount",
                table: "Folders",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.Sql(BlazorVault.Files.Tree.ChildCounts.BackfillSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RootFileCount",
                table: "Usage");

            migrationBuilder.DropColumn(
                name: "RootFolderCount",
                table: "Usage");

            migrationBuilder.DropColumn(
                name: "FileCount",
                table: "Folders");

            migrationBuilder.DropColumn(
                name: "FolderCount",
                table: "Folders");
        }
    }
}
