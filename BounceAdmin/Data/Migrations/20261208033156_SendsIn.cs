using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BounceAdmin.Data.Migrations
{
    /// <inheritdoc />
    public partial class SendsIn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExternalId",
                table: "Sends",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExternalId",
                table: "Emails",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DedupKey",
                table: "EmailEvents",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Sends_ExternalId",
                table: "Sends",
                column: "ExternalId",
                unique: true,
                filter: "\"ExternalId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Emails_ExternalId",
                table: "Emails",
                column: "ExternalId",
                unique: true,
                filter: "\"ExternalId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Emails_Name",
                table: "Emails",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_EmailEvents_DedupKey",
                table: "EmailEvents",
                column: "DedupKey",
                unique: true,
                filter: "\"DedupKey\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sends_ExternalId",
                table: "Sends");

            migrationBuilder.DropIndex(
                name: "IX_Emails_ExternalId",
                table: "Emails");

            migrationBuilder.DropIndex(
                name: "IX_Emails_Name",
                table: "Emails");

            migrationBuilder.DropIndex(
                name: "IX_EmailEvents_DedupKey",
                table: "EmailEvents");

            migrationBuilder.DropColumn(
                name: "ExternalId",
                table: "Sends");

            migrationBuilder.DropColumn(
                name: "ExternalId",
                table: "Emails");

            migrationBuilder.DropColumn(
                name: "DedupKey",
                table: "EmailEvents");
        }
    }
}
