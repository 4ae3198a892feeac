# The actorconnect host in a container: `docker build -t actorconnect .`
# Worker keys come from the properties file given on the command line, overridden by CONNECT_* environment variables.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/ActorConnect.Host -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY config/ /etc/actorconnect/
# REST API and Akka cluster.
EXPOSE 8083 2552
ENTRYPOINT ["dotnet", "/app/actorconnect.dll"]
CMD ["distributed", "/etc/actorconnect/connect-distributed.properties"]
