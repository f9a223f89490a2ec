using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations
{
    /// <inheritdoc />
    public partial class NotificationCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Count",
                table: "Notifications",
                type: "INTEGER",
                nullable: false,
                // Every notification written before told of one download or file.
                defaultValue: 1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Count",
                table: "Notifications");
        }
    }
}
