using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BounceAdmin.Data.Migrations
{
    /// <inheritdoc />
    public partial class BounceTrust : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ContentSha256",
                table: "Quarantine",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OriginalSizeBytes",
                table: "Quarantine",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClaimedOccurredAt",
                table: "BounceEvents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Unverified",
                table: "BounceEvents",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ContentSha256",
                table: "Quarantine");

            migrationBuilder.DropColumn(
                name: "OriginalSizeBytes",
                table: "Quarantine");

            migrationBuilder.DropColumn(
                name: "ClaimedOccurredAt",
                table: "BounceEvents");

            migrationBuilder.DropColumn(
                name: "Unverified",
                table: "BounceEvents");
        }
    }
}
