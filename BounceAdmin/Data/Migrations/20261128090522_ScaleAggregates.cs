using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BounceAdmin.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScaleAggregates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sends_EmailId",
                table: "Sends");

            migrationBuilder.DropIndex(
                name: "IX_Sends_PersonId_SentAt",
                table: "Sends");

            migrationBuilder.DropIndex(
                name: "IX_People_EmailInvalid",
                table: "People");

            migrationBuilder.AddColumn<int>(
                name: "ReportFlags",
                table: "Sends",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "EmailDailyStats",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    EmailId = table.Column<int>(type: "INTEGER", nullable: false),
                    Sent = table.Column<int>(type: "INTEGER", nullable: false),
                    Delivered = table.Column<int>(type: "INTEGER", nullable: false),
                    HardBounced = table.Column<int>(type: "INTEGER", nullable: false),
                    SoftBounced = table.Column<int>(type: "INTEGER", nullable: false),
                    Pending = table.Column<int>(type: "INTEGER", nullable: false),
                    Opened = table.Column<int>(type: "INTEGER", nullable: false),
                    Clicked = table.Column<int>(type: "INTEGER", nullable: false),
                    Unsubscribed = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailDailyStats", x => new { x.Day, x.EmailId });
                });

            migrationBuilder.CreateTable(
                name: "EmailRepeatSends",
                columns: table => new
                {
                    SendId = table.Column<long>(type: "INTEGER", nullable: false),
                    EmailId = table.Column<int>(type: "INTEGER", nullable: false),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReportFlags = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailRepeatSends", x => x.SendId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Sends_EmailId_SentAt_PersonId",
                table: "Sends",
                columns: new[] { "EmailId", "SentAt", "PersonId" });

            migrationBuilder.CreateIndex(
                name: "IX_Sends_Pending_SentAt_EmailId",
                table: "Sends",
                columns: new[] { "SentAt", "EmailId" },
                filter: "\"ReportFlags\" = 0");

            migrationBuilder.CreateIndex(
                name: "IX_Sends_PersonId_SentAt_EmailId_ReportFlags",
                table: "Sends",
                columns: new[] { "PersonId", "SentAt", "EmailId", "ReportFlags" });

            migrationBuilder.CreateIndex(
                name: "IX_People_Deleted",
                table: "People",
                column: "Id",
                filter: "\"IsDeleted\"");

            migrationBuilder.CreateIndex(
                name: "IX_People_Invalid_LastName_FirstName",
                table: "People",
                columns: new[] { "LastName", "FirstName" },
                filter: "\"EmailInvalid\" AND NOT \"IsDeleted\"");

            migrationBuilder.CreateIndex(
                name: "IX_People_Live_CreatedAt",
                table: "People",
                column: "CreatedAt",
                filter: "NOT \"IsDeleted\"");

            migrationBuilder.CreateIndex(
                name: "IX_People_Live_EmailDomain_EmailNormalized",
                table: "People",
                columns: new[] { "EmailDomain", "EmailNormalized" },
                filter: "NOT \"IsDeleted\"");

            migrationBuilder.CreateIndex(
                name: "IX_People_Mailable_Email",
                table: "People",
                columns: new[] { "EmailNormalized", "Id", "EmailSuspendedAt", "Email", "IsDeleted", "Blocklisted", "EmailInvalid", "MarketingSuspended", "Unsubscribed" },
                filter: "NOT \"IsDeleted\" AND NOT \"Blocklisted\" AND NOT \"EmailInvalid\" AND NOT \"MarketingSuspended\" AND NOT \"Unsubscribed\"");

            migrationBuilder.CreateIndex(
                name: "IX_EmailRepeatSends_SentAt_EmailId_PersonId_ReportFlags",
                table: "EmailRepeatSends",
                columns: new[] { "SentAt", "EmailId", "PersonId", "ReportFlags" });

            // Not in the model (EF cannot describe FTS5 tables): keep this call when squashing migrations.
            migrationBuilder.Sql(PeopleSearchIndex.CreateSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(PeopleSearchIndex.DropSql);

            migrationBuilder.DropTable(
                name: "EmailDailyStats");

            migrationBuilder.DropTable(
                name: "EmailRepeatSends");

            migrationBuilder.DropIndex(
                name: "IX_Sends_EmailId_SentAt_PersonId",
                table: "Sends");

            migrationBuilder.DropIndex(
                name: "IX_Sends_Pending_SentAt_EmailId",
                table: "Sends");

            migrationBuilder.DropIndex(
                name: "IX_Sends_PersonId_SentAt_EmailId_ReportFlags",
                table: "Sends");

            migrationBuilder.DropIndex(
                name: "IX_People_Deleted",
                table: "People");

            migrationBuilder.DropIndex(
                name: "IX_People_Invalid_LastName_FirstName",
                table: "People");

            migrationBuilder.DropIndex(
                name: "IX_People_Live_CreatedAt",
                table: "People");

            migrationBuilder.DropIndex(
                name: "IX_People_Live_EmailDomain_EmailNormalized",
                table: "People");

            migrationBuilder.DropIndex(
                name: "IX_People_Mailable_Email",
                table: "People");

            migrationBuilder.DropColumn(
                name: "ReportFlags",
                table: "Sends");

            migrationBuilder.CreateIndex(
                name: "IX_Sends_EmailId",
                table: "Sends",
                column: "EmailId");

            migrationBuilder.CreateIndex(
                name: "IX_Sends_PersonId_SentAt",
                table: "Sends",
                columns: new[] { "PersonId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_People_EmailInvalid",
                table: "People",
                column: "EmailInvalid",
                filter: "EmailInvalid = 1");
        }
    }
}
