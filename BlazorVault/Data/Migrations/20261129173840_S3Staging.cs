using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BlazorVault.Data.Migrations
{
    /// <inheritdoc />
    public partial class S3Staging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "S3Stagings",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MultipartUploadId = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    TailKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    TailOffset = table.Column<long>(type: "INTEGER", nullable: false),
                    TailSize = table.Column<long>(type: "INTEGER", nullable: false),
                    BaseTailKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    BaseTailOffset = table.Column<long>(type: "INTEGER", nullable: false),
                    BaseTailSize = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedLength = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_S3Stagings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "S3StagingParts",
                columns: table => new
                {
                    StagingId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PartNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Offset = table.Column<long>(type: "INTEGER", nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    ETag = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_S3StagingParts", x => new { x.StagingId, x.PartNumber });
                    table.ForeignKey(
                        name: "FK_S3StagingParts_S3Stagings_StagingId",
                        column: x => x.StagingId,
                        principalTable: "S3Stagings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "S3StagingParts");

            migrationBuilder.DropTable(
                name: "S3Stagings");
        }
    }
}
