using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BounceAdmin.Data.Migrations
{
    /// <inheritdoc />
    public partial class DomainHealth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DomainDailyStats",
                columns: table => new
                {
                    Day = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Domain = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Sent = table.Column<int>(type: "INTEGER", nullable: false),
                    HardBounced = table.Column<int>(type: "INTEGER", nullable: false),
                    SoftBounced = table.Column<int>(type: "INTEGER", nullable: false),
                    Category1 = table.Column<int>(type: "INTEGER", nullable: false),
                    Category2 = table.Column<int>(type: "INTEGER", nullable: false),
                    Category3 = table.Column<int>(type: "INTEGER", nullable: false),
                    Category4 = table.Column<int>(type: "INTEGER", nullable: false),
                    Category9 = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DomainDailyStats", x => new { x.Day, x.Domain });
                });

            migrationBuilder.CreateIndex(
                name: "IX_DomainDailyStats_Domain_Day_Counts",
                table: "DomainDailyStats",
                columns: new[] { "Domain", "Day", "Sent", "HardBounced", "SoftBounced", "Category1", "Category2", "Category3", "Category4", "Category9" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DomainDailyStats");
        }
    }
}
